//! What `moat rules new` wrote, and what to do next.

use crate::authoring::new::Created;

pub fn render(c: &Created) -> String {
    format!(
        "wrote {rule}\n\
         added [rules.{id}] to {screen} (weight 1, not a gate, param {param})\n\
         wrote {tests}\n\
         next: edit the rule and its test cases, then run `moat rules check` and `moat rules test`\n",
        id = c.id,
        rule = c.rule.display(),
        screen = c.screen.display(),
        tests = c.tests.display(),
        param = c.param,
    )
}
