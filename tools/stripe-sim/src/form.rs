//! Stripe's form encoding: `application/x-www-form-urlencoded` with bracket notation
//! (`line_items[0][price_data][unit_amount]=4500`, `metadata[reservation_id]=…`, `expand[]=…`),
//! decoded into nested JSON (objects, arrays for numeric indexes, strings at the leaves), and
//! typed access to it that answers Stripe-shaped 400s.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::error::ApiError;

enum Node {
    Leaf(String),
    Branch(BTreeMap<String, Node>),
}

/// Decodes a form body (or query string) into nested JSON.
pub(crate) fn decode(raw: &[u8]) -> Result<Value, ApiError> {
    let mut root = BTreeMap::new();
    for (key, value) in url::form_urlencoded::parse(raw) {
        let segments = split_key(&key)?;
        insert(&mut root, &segments, value.into_owned(), &key)?;
    }
    Ok(to_json(root))
}

/// `a[b][0][]` → `["a", "b", "0", ""]`.
fn split_key(key: &str) -> Result<Vec<String>, ApiError> {
    let bad = || ApiError::invalid_request(format!("Invalid parameter name: {key}"));
    let (head, mut rest) = match key.find('[') {
        Some(at) => (&key[..at], &key[at..]),
        None => (key, ""),
    };
    if head.is_empty() || head.contains(']') {
        return Err(bad());
    }
    let mut segments = vec![head.to_owned()];
    while !rest.is_empty() {
        let inner = rest.strip_prefix('[').ok_or_else(bad)?;
        let close = inner.find(']').ok_or_else(bad)?;
        let segment = &inner[..close];
        if segment.contains('[') {
            return Err(bad());
        }
        segments.push(segment.to_owned());
        rest = &inner[close + 1..];
    }
    // `[]` (append) is only meaningful at the end: `expand[]=x`.
    if segments[..segments.len() - 1].iter().any(String::is_empty) {
        return Err(bad());
    }
    Ok(segments)
}

fn insert(map: &mut BTreeMap<String, Node>, segments: &[String], value: String, key: &str) -> Result<(), ApiError> {
    let conflict = || ApiError::invalid_request(format!("Invalid parameter: {key} mixes a value and a hash"));
    let Some((first, rest)) = segments.split_first() else {
        return Ok(());
    };
    let name = if first.is_empty() { map.len().to_string() } else { first.clone() };
    if rest.is_empty() {
        if matches!(map.get(&name), Some(Node::Branch(_))) {
            return Err(conflict());
        }
        map.insert(name, Node::Leaf(value));
        return Ok(());
    }
    match map.entry(name).or_insert_with(|| Node::Branch(BTreeMap::new())) {
        Node::Branch(children) => insert(children, rest, value, key),
        Node::Leaf(_) => Err(conflict()),
    }
}

fn to_json(map: BTreeMap<String, Node>) -> Value {
    let indexes: Option<Vec<usize>> = map.keys().map(|k| k.parse::<usize>().ok()).collect();
    let render = |node: Node| match node {
        Node::Leaf(value) => Value::String(value),
        Node::Branch(children) => to_json(children),
    };
    match indexes {
        Some(_) if !map.is_empty() => {
            let mut items: Vec<(usize, Node)> = map.into_iter().filter_map(|(k, v)| k.parse::<usize>().ok().map(|i| (i, v))).collect();
            items.sort_by_key(|(i, _)| *i);
            Value::Array(items.into_iter().map(|(_, v)| render(v)).collect())
        }
        _ => Value::Object(map.into_iter().map(|(k, v)| (k, render(v))).collect::<Map<_, _>>()),
    }
}

/// A position in decoded params, with its Stripe-style name (`line_items[0][quantity]`) for errors.
#[derive(Clone, Copy)]
pub(crate) struct Params<'a> {
    value: Option<&'a Value>,
    name: &'a str,
}

/// An owned name for nested positions (`Params` borrows it).
pub(crate) struct Named<'a> {
    value: Option<&'a Value>,
    name: String,
}

impl<'a> Named<'a> {
    pub(crate) fn params(&self) -> Params<'_> {
        Params { value: self.value, name: &self.name }
    }

    /// Its Stripe-style name (`payment_intent_data[metadata]`).
    pub(crate) fn name(&self) -> &str {
        &self.name
    }
}

impl<'a> Params<'a> {
    /// The top level of a request's params.
    pub(crate) fn root(value: &'a Value) -> Self {
        Params { value: Some(value), name: "" }
    }

    fn child_name(&self, key: &str) -> String {
        if self.name.is_empty() { key.to_owned() } else { format!("{}[{key}]", self.name) }
    }

    /// The nested position `key` (absent when not sent).
    pub(crate) fn child(&self, key: &str) -> Named<'a> {
        Named { value: self.value.and_then(|v| v.get(key)), name: self.child_name(key) }
    }

    /// Whether anything was sent here.
    pub(crate) fn is_present(&self) -> bool {
        self.value.is_some()
    }

    /// Refuses keys outside `known` (Stripe: "Received unknown parameter").
    pub(crate) fn only(&self, known: &[&str]) -> Result<(), ApiError> {
        match self.value {
            None => Ok(()),
            Some(Value::Object(map)) => match map.keys().find(|k| !known.contains(&k.as_str())) {
                Some(unknown) => Err(ApiError::unknown_param(&self.child_name(unknown))),
                None => Ok(()),
            },
            Some(Value::String(s)) if s.is_empty() => Ok(()),
            Some(_) => Err(ApiError::invalid(format!("Invalid hash: {}", self.name), self.name)),
        }
    }

    /// A string parameter, if sent.
    pub(crate) fn opt_str(&self, key: &str) -> Result<Option<&'a str>, ApiError> {
        match self.value.and_then(|v| v.get(key)) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.as_str())),
            Some(_) => {
                let name = self.child_name(key);
                Err(ApiError::invalid(format!("Invalid string: {name} must be a string, not a hash or an array"), name))
            }
        }
    }

    /// A required string parameter.
    pub(crate) fn req_str(&self, key: &str) -> Result<&'a str, ApiError> {
        match self.opt_str(key)? {
            Some(s) if !s.is_empty() => Ok(s),
            _ => Err(ApiError::missing(&self.child_name(key))),
        }
    }

    /// An integer parameter, if sent.
    pub(crate) fn opt_int(&self, key: &str) -> Result<Option<i64>, ApiError> {
        match self.opt_str(key)? {
            None => Ok(None),
            Some(s) => s.parse::<i64>().map(Some).map_err(|_| {
                let name = self.child_name(key);
                ApiError::invalid(format!("Invalid integer: {s}"), name)
            }),
        }
    }

    /// A `metadata`-like hash of strings (an empty string means none, as at Stripe).
    pub(crate) fn opt_string_map(&self, key: &str) -> Result<BTreeMap<String, String>, ApiError> {
        let name = self.child_name(key);
        match self.value.and_then(|v| v.get(key)) {
            None => Ok(BTreeMap::new()),
            Some(Value::String(s)) if s.is_empty() => Ok(BTreeMap::new()),
            Some(Value::Object(map)) => map
                .iter()
                .map(|(k, v)| match v {
                    Value::String(s) => Ok((k.clone(), s.clone())),
                    _ => Err(ApiError::invalid(format!("Invalid string: {name}[{k}]"), format!("{name}[{k}]"))),
                })
                .collect(),
            Some(_) => Err(ApiError::invalid(format!("Invalid hash: {name}"), name)),
        }
    }

    /// An array of hashes (`line_items[0][…]`, `line_items[1][…]`).
    pub(crate) fn list(&self, key: &str) -> Result<Vec<Named<'a>>, ApiError> {
        let name = self.child_name(key);
        match self.value.and_then(|v| v.get(key)) {
            None => Ok(Vec::new()),
            Some(Value::Array(items)) => {
                Ok(items.iter().enumerate().map(|(i, item)| Named { value: Some(item), name: format!("{name}[{i}]") }).collect())
            }
            Some(_) => Err(ApiError::invalid(format!("Invalid array: {name}"), name)),
        }
    }

    /// An array of strings (`expand[]=payment_intent`); a single string counts as one.
    pub(crate) fn string_list(&self, key: &str) -> Result<Vec<String>, ApiError> {
        let name = self.child_name(key);
        match self.value.and_then(|v| v.get(key)) {
            None => Ok(Vec::new()),
            Some(Value::String(s)) => Ok(vec![s.clone()]),
            Some(Value::Array(items)) => items
                .iter()
                .map(|item| item.as_str().map(str::to_owned))
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| ApiError::invalid(format!("Invalid array: {name}"), name)),
            Some(_) => Err(ApiError::invalid(format!("Invalid array: {name}"), name)),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn bracket_notation_becomes_nested_json() {
        let raw = "mode=payment&line_items[0][price_data][currency]=eur&line_items[0][price_data][unit_amount]=4500\
                   &line_items[0][price_data][product_data][name]=Reservation%20YCW-1&line_items[0][quantity]=1\
                   &metadata[reservation_id]=r-1&expand[]=payment_intent&expand[]=customer";
        let value = decode(raw.as_bytes()).unwrap();
        assert_eq!(
            value,
            json!({
                "mode": "payment",
                "line_items": [{ "price_data": { "currency": "eur", "unit_amount": "4500",
                                                 "product_data": { "name": "Reservation YCW-1" } },
                                 "quantity": "1" }],
                "metadata": { "reservation_id": "r-1" },
                "expand": ["payment_intent", "customer"],
            })
        );
    }

    #[test]
    fn percent_encoded_brackets_decode_like_plain_ones() {
        let value = decode(b"metadata%5Bkey%5D=a%2Bb&line_items%5B1%5D%5Bquantity%5D=2&line_items%5B0%5D%5Bquantity%5D=1").unwrap();
        assert_eq!(value["metadata"]["key"], "a+b");
        assert_eq!(value["line_items"], json!([{ "quantity": "1" }, { "quantity": "2" }]));
    }

    #[test]
    fn malformed_or_conflicting_keys_are_400s() {
        for raw in ["a[b=1", "[x]=1", "a]b=1", "a[[b]]=1", "a[][b]=1", "a=1&a[b]=2", "a[b]=2&a=1"] {
            let error = decode(raw.as_bytes()).unwrap_err();
            assert_eq!(error.status, axum::http::StatusCode::BAD_REQUEST, "{raw}");
        }
        assert_eq!(decode(b"").unwrap(), json!({}));
    }

    #[test]
    fn typed_access_names_the_param_in_errors() {
        let value = decode(b"line_items[0][quantity]=x&metadata[a][b]=1&amount=12&bogus=1").unwrap();
        let root = Params::root(&value);
        let items = root.list("line_items").unwrap();
        let error = items[0].params().opt_int("quantity").unwrap_err();
        assert_eq!(error.param.as_deref(), Some("line_items[0][quantity]"));
        assert_eq!(error.message, "Invalid integer: x");
        assert_eq!(root.opt_int("amount").unwrap(), Some(12));
        assert!(root.opt_string_map("metadata").is_err());
        let unknown = root.only(&["line_items", "metadata", "amount"]).unwrap_err();
        assert_eq!(unknown.message, "Received unknown parameter: bogus");
        assert_eq!(root.req_str("missing").unwrap_err().message, "Missing required param: missing.");
    }
}
