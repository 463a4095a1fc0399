//! Typed query parameters: filters, sort orders and the syntax they are written in.
//!
//! The syntax comes from the spec (`x-filter`, `x-sort`); the generated crate defines it as
//! constants and the per-resource field enums implement [`QueryField`].

use std::fmt::Display;
use std::marker::PhantomData;

/// A field name usable in filters and sort orders.
pub trait QueryField: Copy {
    /// The name on the wire.
    fn wire_name(self) -> &'static str;
}

/// How filters are written (`x-filter`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FilterSyntax {
    /// One condition, with `{field}`, `{operator}` and `{value}` placeholders.
    pub condition: &'static str,
    /// Conjunction joiner.
    pub and: &'static str,
    /// Disjunction joiner.
    pub or: &'static str,
    /// Group opener.
    pub group_open: &'static str,
    /// Group closer.
    pub group_close: &'static str,
    /// Separator between the values of a list operator.
    pub list_separator: &'static str,
    /// Prefix that escapes a special character inside a value.
    pub escape: &'static str,
}

impl FilterSyntax {
    fn is_special(&self, c: char) -> bool {
        let literal = self.condition.replace("{field}", "").replace("{operator}", "").replace("{value}", "");
        [literal.as_str(), self.and, self.or, self.group_open, self.group_close, self.list_separator, self.escape]
            .iter()
            .any(|s| s.chars().any(|x| x == c && !x.is_alphanumeric()))
    }

    /// Escapes every character of `value` that the syntax gives a meaning.
    pub fn escape_value(&self, value: &str) -> String {
        let mut out = String::with_capacity(value.len());
        for c in value.chars() {
            if self.is_special(c) {
                out.push_str(self.escape);
            }
            out.push(c);
        }
        out
    }
}

/// How sort orders are written (`x-sort`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SortSyntax {
    /// One sort key, with `{field}` and `{direction}` placeholders.
    pub format: &'static str,
    /// Ascending token.
    pub asc: &'static str,
    /// Descending token.
    pub desc: &'static str,
}

/// A filter expression over the fields `F` of one resource.
#[derive(Debug, Clone, PartialEq)]
pub struct Filter<F> {
    node: Node,
    _field: PhantomData<F>,
}

#[derive(Debug, Clone, PartialEq)]
enum Node {
    Condition { field: &'static str, operator: &'static str, values: Vec<String>, list: bool },
    And(Vec<Node>),
    Or(Vec<Node>),
    Raw(String),
}

impl<F: QueryField> Filter<F> {
    /// Starts a condition on `field`; finish it with an operator method (`eq`, `gt`, `in_`...).
    pub fn field(field: F) -> FieldFilter<F> {
        FieldFilter { field }
    }

    /// A filter written by hand in the API's syntax, sent as is (no escaping).
    pub fn raw(expression: impl Into<String>) -> Self {
        Filter { node: Node::Raw(expression.into()), _field: PhantomData }
    }

    /// Both this filter and `other` must hold.
    pub fn and(self, other: Filter<F>) -> Self {
        let node = match self.node {
            Node::And(mut v) => {
                v.push(other.node);
                Node::And(v)
            }
            n => Node::And(vec![n, other.node]),
        };
        Filter { node, _field: PhantomData }
    }

    /// This filter or `other` must hold.
    pub fn or(self, other: Filter<F>) -> Self {
        let node = match self.node {
            Node::Or(mut v) => {
                v.push(other.node);
                Node::Or(v)
            }
            n => Node::Or(vec![n, other.node]),
        };
        Filter { node, _field: PhantomData }
    }

    /// Writes the filter in `syntax`, escaping values.
    pub fn render(&self, syntax: &FilterSyntax) -> String {
        render(&self.node, syntax, false)
    }
}

fn render(node: &Node, syntax: &FilterSyntax, nested: bool) -> String {
    match node {
        Node::Condition { field, operator, values, list } => {
            let escaped: Vec<String> = values.iter().map(|v| syntax.escape_value(v)).collect();
            let value = if *list { escaped.join(syntax.list_separator) } else { escaped.concat() };
            syntax.condition.replace("{field}", field).replace("{operator}", operator).replace("{value}", &value)
        }
        Node::Raw(s) => s.clone(),
        Node::And(children) | Node::Or(children) => {
            let joiner = if matches!(node, Node::And(_)) { syntax.and } else { syntax.or };
            let inner = children.iter().map(|c| render(c, syntax, true)).collect::<Vec<_>>().join(joiner);
            if nested && children.len() > 1 {
                format!("{}{inner}{}", syntax.group_open, syntax.group_close)
            } else {
                inner
            }
        }
    }
}

/// A condition waiting for its operator. The generated crate adds one method per operator
/// the API declares.
#[derive(Debug, Clone, Copy)]
pub struct FieldFilter<F> {
    field: F,
}

impl<F: QueryField> FieldFilter<F> {
    /// `field <operator> value`, with any operator name.
    pub fn op(self, operator: &'static str, value: impl Display) -> Filter<F> {
        Filter {
            node: Node::Condition {
                field: self.field.wire_name(),
                operator,
                values: vec![value.to_string()],
                list: false,
            },
            _field: PhantomData,
        }
    }

    /// `field <operator> v1;v2;...`, for list operators such as `in`.
    pub fn op_list<V: Display>(self, operator: &'static str, values: impl IntoIterator<Item = V>) -> Filter<F> {
        Filter {
            node: Node::Condition {
                field: self.field.wire_name(),
                operator,
                values: values.into_iter().map(|v| v.to_string()).collect(),
                list: true,
            },
            _field: PhantomData,
        }
    }
}

/// One sort key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort<F> {
    /// The field.
    pub field: F,
    /// Descending rather than ascending.
    pub descending: bool,
}

impl<F: QueryField> Sort<F> {
    /// Writes the sort key in `syntax`.
    pub fn render(&self, syntax: &SortSyntax) -> String {
        let dir = if self.descending { syntax.desc } else { syntax.asc };
        syntax.format.replace("{field}", self.field.wire_name()).replace("{direction}", dir)
    }
}

impl<F: QueryField> From<F> for Sort<F> {
    fn from(field: F) -> Self {
        Sort { field, descending: false }
    }
}
