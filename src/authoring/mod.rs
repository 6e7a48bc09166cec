//! The rule author's tools, one stage above `evaluate`: they run rules the way a screen does
//! and report what an author needs to know. `check` finds every problem of a pack before a
//! screen runs into it; `testing` runs the cases kept beside the rules, with line coverage;
//! `new` writes a working rule skeleton; `doc` renders the rule API reference and editor
//! definitions; `explain` says why one chain got its verdicts, and `whatif` what would flip them. Nothing below imports them.

pub mod check;
pub mod doc;
pub mod explain;
pub mod new;
pub mod testing;
pub mod whatif;
