//! Reading a JSON response against the shape an endpoint documents. A field that is missing
//! or of another type is an error naming the request and the field's path (`[3].tvl`,
//! `projects.arbitrum.stage`), so that a changed API is recognised as such instead of being
//! read as "no data". Only the fields moat uses are checked: a new field elsewhere changes
//! nothing.

use serde_json::Value;

/// A value in a response, with where it sits.
#[derive(Clone, Copy)]
pub struct Node<'a> {
    value: &'a Value,
    path: Path<'a>,
    request: &'a str,
}

/// The path of a node, built only when an error needs it.
#[derive(Clone, Copy)]
enum Path<'a> {
    Root,
    Field(&'a Node<'a>, &'a str),
    Index(&'a Node<'a>, usize),
}

/// A response body that is not JSON at all.
pub fn parse(request: &str, body: &str) -> anyhow::Result<Value> {
    serde_json::from_str(body).map_err(|e| {
        anyhow::anyhow!(
            "{request}: the response is not JSON ({e}); it starts with {:?}",
            body.chars().take(60).collect::<String>()
        )
    })
}

impl<'a> Node<'a> {
    /// The document's root; `request` (`GET <url>`) is named in every error.
    pub fn root(value: &'a Value, request: &'a str) -> Node<'a> {
        Node {
            value,
            path: Path::Root,
            request,
        }
    }

    pub fn path(&self) -> String {
        match self.path {
            Path::Root => String::new(),
            Path::Field(parent, name) => {
                let p = parent.path();
                if p.is_empty() {
                    name.to_string()
                } else {
                    format!("{p}.{name}")
                }
            }
            Path::Index(parent, i) => format!("{}[{i}]", parent.path()),
        }
    }

    fn error(&self, expected: &str) -> anyhow::Error {
        let at = match self.path() {
            p if p.is_empty() => "the top level".to_string(),
            p => format!("`{p}`"),
        };
        anyhow::anyhow!(
            "{}: unexpected response shape at {at}: expected {expected}, found {}",
            self.request,
            kind(self.value)
        )
    }

    /// The field `name` of this object; missing or null is an error.
    pub fn field(&'a self, name: &'a str) -> anyhow::Result<Node<'a>> {
        self.opt(name)?.ok_or_else(|| {
            Node {
                value: &Value::Null,
                path: Path::Field(self, name),
                request: self.request,
            }
            .error("a value (the field is missing or null)")
        })
    }

    /// The field `name` of this object, `None` when it is missing or null.
    pub fn opt(&'a self, name: &'a str) -> anyhow::Result<Option<Node<'a>>> {
        let object = self
            .value
            .as_object()
            .ok_or_else(|| self.error("an object"))?;
        Ok(object.get(name).filter(|v| !v.is_null()).map(|value| Node {
            value,
            path: Path::Field(self, name),
            request: self.request,
        }))
    }

    pub fn str(&self) -> anyhow::Result<&'a str> {
        self.value.as_str().ok_or_else(|| self.error("a string"))
    }

    pub fn number(&self) -> anyhow::Result<f64> {
        self.value
            .as_f64()
            .filter(|n| n.is_finite())
            .ok_or_else(|| self.error("a number"))
    }

    /// A finite number >= 0 (an amount of money).
    pub fn amount(&self) -> anyhow::Result<f64> {
        self.value
            .as_f64()
            .filter(|n| n.is_finite() && *n >= 0.0)
            .ok_or_else(|| self.error("a number >= 0"))
    }

    /// A whole number of seconds since 1970 (a date).
    pub fn unix_seconds(&self) -> anyhow::Result<i64> {
        let n = self
            .number()
            .map_err(|_| self.error("a unix time in seconds"))?;
        (n.fract() == 0.0 && n.abs() < 1e12)
            .then_some(n as i64)
            .ok_or_else(|| self.error("a unix time in whole seconds"))
    }

    pub fn bool(&self) -> anyhow::Result<bool> {
        self.value
            .as_bool()
            .ok_or_else(|| self.error("true or false"))
    }

    /// The items of this array, each with its index in its path (the closure sees them in
    /// order; stop early by returning an error).
    pub fn each<T>(
        &'a self,
        mut f: impl FnMut(Node<'_>) -> anyhow::Result<T>,
    ) -> anyhow::Result<Vec<T>> {
        let items = self
            .value
            .as_array()
            .ok_or_else(|| self.error("an array"))?;
        items
            .iter()
            .enumerate()
            .map(|(i, value)| {
                f(Node {
                    value,
                    path: Path::Index(self, i),
                    request: self.request,
                })
            })
            .collect()
    }

    /// The members of this object, in key order.
    pub fn members<T>(
        &'a self,
        mut f: impl FnMut(&str, Node<'_>) -> anyhow::Result<T>,
    ) -> anyhow::Result<Vec<T>> {
        let object = self
            .value
            .as_object()
            .ok_or_else(|| self.error("an object"))?;
        object
            .iter()
            .map(|(name, value)| {
                f(
                    name,
                    Node {
                        value,
                        path: Path::Field(self, name),
                        request: self.request,
                    },
                )
            })
            .collect()
    }

    /// Whether this value is an object (for fields that changed type between API versions).
    pub fn is_object(&self) -> bool {
        self.value.is_object()
    }
}

fn kind(v: &Value) -> String {
    match v {
        Value::Null => "nothing".into(),
        Value::Bool(b) => format!("{b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) if s.chars().count() > 40 => {
            format!("a string ({:?}…)", s.chars().take(40).collect::<String>())
        }
        Value::String(s) => format!("the string {s:?}"),
        Value::Array(a) => format!("an array of {}", a.len()),
        Value::Object(_) => "an object".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_the_request_and_the_field_path() {
        let v: Value = serde_json::from_str(
            r#"{"projects": {"arb": {"stage": 1, "badges": [{}, {"x": 1}]}}}"#,
        )
        .unwrap();
        let root = Node::root(&v, "GET http://x/api");
        let projects = root.field("projects").unwrap();
        let arb = projects.field("arb").unwrap();
        let e = arb.field("stage").unwrap().str().unwrap_err();
        assert_eq!(
            e.to_string(),
            "GET http://x/api: unexpected response shape at `projects.arb.stage`: expected a string, found the number 1"
        );
        let badges = arb.field("badges").unwrap();
        let e = badges.each(|b| b.field("name").map(|_| ())).unwrap_err();
        assert_eq!(
            e.to_string(),
            "GET http://x/api: unexpected response shape at `projects.arb.badges[0].name`: expected a value (the field is missing or null), found nothing"
        );
        let e = root.each(|_| Ok(())).unwrap_err();
        assert_eq!(
            e.to_string(),
            "GET http://x/api: unexpected response shape at the top level: expected an array, found an object"
        );
    }

    #[test]
    fn dates_are_whole_seconds() {
        let v: Value = serde_json::from_str("[1609459200, 1.5, \"x\"]").unwrap();
        let root = Node::root(&v, "GET u");
        let got = root.each(|n| Ok(n.unix_seconds().is_ok())).unwrap();
        assert_eq!(got, vec![true, false, false]);
    }

    #[test]
    fn a_body_that_is_not_json_is_named() {
        let e = parse("GET u", "<html>oops").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("GET u: the response is not JSON (expected value at line 1 column 1)"),
            "{e}"
        );
    }
}
