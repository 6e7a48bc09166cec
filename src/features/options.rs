//! The knobs of the feature stage. They exist as a struct of their own so that the CLI, the
//! backtest loop and tests can set them explicitly, and so that a report can name the values
//! that produced its numbers; today there is one: the length of the TVL leadership window.

use anyhow::{Result, bail};

/// Options of [`compute`](super::compute).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FeatureOptions {
    /// Length of the TVL leadership window, in weeks, ending at the reference TVL week
    /// (`Universe::tvl_week`). Default 52.
    pub window_weeks: i64,
}

impl Default for FeatureOptions {
    fn default() -> Self {
        FeatureOptions { window_weeks: 52 }
    }
}

/// The longest leadership window, in weeks: a century, far beyond any chain's history, and
/// far within what a date can be moved by.
pub const MAX_WINDOW_WEEKS: i64 = 5_200;

impl FeatureOptions {
    /// Reject options that cannot describe a window.
    pub fn validate(&self) -> Result<()> {
        if !(1..=MAX_WINDOW_WEEKS).contains(&self.window_weeks) {
            bail!(
                "the leadership window must be 1 to {MAX_WINDOW_WEEKS} weeks long, got {}",
                self.window_weeks
            );
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_window_is_52_weeks_and_zero_is_rejected() {
        assert_eq!(FeatureOptions::default().window_weeks, 52);
        assert!(FeatureOptions::default().validate().is_ok());
        assert!(FeatureOptions { window_weeks: 0 }.validate().is_err());
        assert!(
            FeatureOptions {
                window_weeks: MAX_WINDOW_WEEKS
            }
            .validate()
            .is_ok()
        );
        assert!(
            FeatureOptions {
                window_weeks: MAX_WINDOW_WEEKS + 1
            }
            .validate()
            .is_err()
        );
    }
}
