//! What `moat rules new` wrote, and what to do next.

use crate::authoring::new::Created;

/// `rules` is the `--rules DIR` the user gave, if any: the next commands name it too (a pack
/// found through `$MOAT_RULES` or `./rules` is found again without it).
pub fn render(c: &Created, rules: Option<&std::path::Path>) -> String {
    let opt = rules.map_or_else(String::new, |dir| format!(" --rules {}", shell_word(dir)));
    format!(
        "wrote {rule}\n\
         added [rules.{id}] to {screen} (weight 1, not a gate, param {param})\n\
         wrote {tests}\n\
         next: edit the rule and its test cases, then run `moat rules check{opt}` and `moat rules test{opt}`\n",
        id = c.id,
        rule = c.rule.display(),
        screen = c.screen.display(),
        tests = c.tests.display(),
        param = c.param,
    )
}

/// A path as one shell word: as it is when it holds only characters a shell leaves alone, else
/// in single quotes.
fn shell_word(path: &std::path::Path) -> String {
    let text = path.display().to_string();
    let plain = |c: char| c.is_ascii_alphanumeric() || "_./-+:@%=,".contains(c);
    if !text.is_empty() && text.chars().all(plain) {
        text
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::{Path, PathBuf};

    #[test]
    fn the_next_commands_name_the_rules_directory_given() {
        let c = Created {
            id: "r".into(),
            rule: PathBuf::from("my rules/r.rhai"),
            screen: PathBuf::from("my rules/screen.toml"),
            tests: PathBuf::from("my rules/tests/r.toml"),
            param: "min_tvl_usd",
        };
        assert!(render(&c, None).ends_with("then run `moat rules check` and `moat rules test`\n"));
        assert!(
            render(&c, Some(Path::new("my rules")))
                .ends_with("then run `moat rules check --rules 'my rules'` and `moat rules test --rules 'my rules'`\n")
        );
        assert_eq!(shell_word(Path::new("rules-new")), "rules-new");
        assert_eq!(shell_word(Path::new("it's")), "'it'\\''s'");
    }
}
