//! Editing a YAML document in place: given the tree it held and the tree it should hold, change
//! only the text of the nodes that differ, so comments, quoting, blank lines and the order of
//! keys stay as the author wrote them.
//!
//! `saphyr-parser` reports where each node starts; this module works out where block nodes end
//! and how they are indented, and renders new nodes with serde_yaml in the document's block
//! style (sequences at the indentation of their key). A change it cannot place (a node inside a
//! flow collection is rewritten as the whole collection; one written on the line of its parent
//! item is rewritten with the item) falls back to rewriting the smallest enclosing node.

use saphyr_parser::{Event, Parser, ScalarStyle};
use serde_json::{Map, Value};

/// A node of the document and where its text is.
#[derive(Debug)]
struct Node {
    /// Byte offset where its content starts (a block sequence: its first item's content).
    start: usize,
    /// Byte offset just after its last content character.
    end: usize,
    kind: Kind,
}

#[derive(Debug)]
enum Kind {
    Scalar,
    Map { flow: bool, entries: Vec<(String, Node, Node)> },
    Seq { flow: bool, items: Vec<Node> },
}

/// Where a node sits, which decides how its replacement is written.
#[derive(Clone, Copy)]
enum Place {
    /// The value of a mapping entry whose key ends at `key_end`, the key at column `column`.
    Value { key_end: usize, column: usize },
    /// An item of a block sequence whose dash is at column `column`.
    Item { column: usize },
}

/// One replacement of a byte range.
struct Edit {
    start: usize,
    end: usize,
    text: String,
}

/// The text of `text` (a YAML document holding `old`) changed to hold `new`.
pub fn edit(text: &str, old: &Value, new: &Value) -> Result<String, String> {
    let root = parse(text)?;
    let mut edits = Vec::new();
    let doc = Doc { text };
    match (&root.kind, old, new) {
        (Kind::Map { flow: false, .. }, Value::Object(_), Value::Object(_)) => {
            if doc.map(&root, old, new, &mut edits).is_err() {
                return Err("the document's top level cannot be edited in place".into());
            }
        }
        _ => return Err("the document is not a block mapping".into()),
    }
    edits.sort_by_key(|e| std::cmp::Reverse(e.start));
    let mut out = text.to_owned();
    let mut last = usize::MAX;
    for e in edits {
        if e.end > last {
            return Err("overlapping edits".into());
        }
        out.replace_range(e.start..e.end, &e.text);
        last = e.start;
    }
    Ok(out)
}

struct Doc<'t> {
    text: &'t str,
}

/// Signals that a collection cannot be edited piecewise: its parent rewrites it whole.
struct Whole;

impl Doc<'_> {
    fn line_start(&self, pos: usize) -> usize {
        self.text[..pos].rfind('\n').map_or(0, |i| i + 1)
    }

    fn line_end(&self, pos: usize) -> usize {
        self.text[pos..].find('\n').map_or(self.text.len(), |i| pos + i + 1)
    }

    fn column(&self, pos: usize) -> usize {
        self.text[self.line_start(pos)..pos].chars().count()
    }

    /// Whether only spaces precede `pos` on its line.
    fn starts_line(&self, pos: usize) -> bool {
        self.text[self.line_start(pos)..pos].chars().all(|c| c == ' ')
    }

    /// The column of the dash before a block sequence item's content.
    fn dash(&self, item_start: usize) -> Option<usize> {
        let before = &self.text[self.line_start(item_start)..item_start];
        let dash = before.rfind('-')?;
        before[..dash].chars().all(|c| c == ' ').then(|| before[..dash].chars().count())
    }

    fn node(&self, node: &Node, old: &Value, new: &Value, place: Place, edits: &mut Vec<Edit>) {
        if old == new {
            return;
        }
        let piecewise = match (&node.kind, old, new) {
            (Kind::Map { flow: false, .. }, Value::Object(_), Value::Object(n)) if !n.is_empty() => {
                self.map(node, old, new, edits)
            }
            (Kind::Seq { flow: false, .. }, Value::Array(_), Value::Array(n)) if !n.is_empty() => {
                self.seq(node, old, new, edits)
            }
            _ => Err(Whole),
        };
        if piecewise.is_err() {
            self.replace(node, new, place, edits);
        }
    }

    /// Rewrites a node whole, in its place.
    fn replace(&self, node: &Node, new: &Value, place: Place, edits: &mut Vec<Edit>) {
        let flow = matches!(node.kind, Kind::Map { flow: true, .. } | Kind::Seq { flow: true, .. });
        match place {
            Place::Value { key_end, column } => {
                let text = if flow && (new.is_object() || new.is_array()) {
                    format!(": {}", serde_json::to_string(new).unwrap_or_default())
                } else {
                    let mut single = Map::new();
                    single.insert("k".into(), new.clone());
                    let rendered = render(&Value::Object(single));
                    let rest = rendered.strip_prefix("k:").unwrap_or(&rendered);
                    format!(":{}", indent_after_first(rest.trim_end_matches('\n'), column))
                };
                edits.push(Edit { start: key_end, end: node.end, text });
            }
            Place::Item { column } => {
                let text = if flow && (new.is_object() || new.is_array()) {
                    serde_json::to_string(new).unwrap_or_default()
                } else {
                    let rendered = render(&Value::Array(vec![new.clone()]));
                    let rest = rendered.strip_prefix("- ").or_else(|| rendered.strip_prefix('-')).unwrap_or(&rendered);
                    indent_after_first(rest.trim_end_matches('\n'), column)
                };
                edits.push(Edit { start: node.start, end: node.end, text });
            }
        }
    }

    fn map(&self, node: &Node, old: &Value, new: &Value, edits: &mut Vec<Edit>) -> Result<(), Whole> {
        let (Kind::Map { entries, .. }, Value::Object(old), Value::Object(new)) = (&node.kind, old, new) else {
            return Err(Whole);
        };
        let Some((_, first, _)) = entries.first() else { return Err(Whole) };
        let column = self.column(first.start);
        let mut local = Vec::new();
        for (key, k, v) in entries {
            match (old.get(key), new.get(key)) {
                (Some(_), None) => {
                    if !self.starts_line(k.start) {
                        return Err(Whole);
                    }
                    let start = self.line_start(k.start);
                    local.push(Edit { start, end: self.line_end(v.end.max(k.end)), text: String::new() });
                }
                (Some(o), Some(n)) => {
                    let place = Place::Value { key_end: k.end, column: self.column(k.start) };
                    self.node(v, o, n, place, &mut local);
                }
                _ => {}
            }
        }
        let added: Map<String, Value> =
            new.iter().filter(|(k, _)| !old.contains_key(*k)).map(|(k, v)| (k.clone(), v.clone())).collect();
        if !added.is_empty() {
            let last_end = entries.iter().map(|(_, k, v)| v.end.max(k.end)).max().unwrap_or(node.end);
            let at = self.line_end(last_end);
            let mut text =
                if at == self.text.len() && !self.text.ends_with('\n') { "\n".to_owned() } else { String::new() };
            text.push_str(&indent_all(&render(&Value::Object(added)), column));
            local.push(Edit { start: at, end: at, text });
        }
        edits.append(&mut local);
        Ok(())
    }

    fn seq(&self, node: &Node, old: &Value, new: &Value, edits: &mut Vec<Edit>) -> Result<(), Whole> {
        let (Kind::Seq { items, .. }, Value::Array(old), Value::Array(new)) = (&node.kind, old, new) else {
            return Err(Whole);
        };
        let Some(first) = items.first() else { return Err(Whole) };
        let column = self.dash(first.start).ok_or(Whole)?;
        let mut local = Vec::new();
        if old.len() == new.len() {
            for ((item, o), n) in items.iter().zip(old).zip(new) {
                let column = self.dash(item.start).ok_or(Whole)?;
                self.node(item, o, n, Place::Item { column }, &mut local);
            }
            edits.append(&mut local);
            return Ok(());
        }
        // Items removed and items appended: keep the longest common subsequence in place.
        let kept = lcs(old, new);
        let mut last_kept_new = None;
        for (i, item) in items.iter().enumerate() {
            if !kept.iter().any(|(o, _)| *o == i) {
                self.dash(item.start).ok_or(Whole)?;
                let line = self.line_start(item.start);
                local.push(Edit { start: line, end: self.line_end(item.end), text: String::new() });
            }
        }
        if let Some((_, n)) = kept.last() {
            last_kept_new = Some(*n);
        }
        let appended_from = last_kept_new.map_or(0, |n| n + 1);
        let unmatched_before = (0..appended_from).any(|n| !kept.iter().any(|(_, k)| *k == n));
        if unmatched_before {
            return Err(Whole);
        }
        if appended_from < new.len() {
            let at = self.line_end(items.last().map_or(node.end, |i| i.end));
            let mut text =
                if at == self.text.len() && !self.text.ends_with('\n') { "\n".to_owned() } else { String::new() };
            text.push_str(&indent_all(&render(&Value::Array(new[appended_from..].to_vec())), column));
            local.push(Edit { start: at, end: at, text });
        }
        edits.append(&mut local);
        Ok(())
    }
}

/// Pairs `(old index, new index)` of a longest common subsequence.
fn lcs(a: &[Value], b: &[Value]) -> Vec<(usize, usize)> {
    let mut table = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            table[i][j] = if a[i] == b[j] { table[i + 1][j + 1] + 1 } else { table[i + 1][j].max(table[i][j + 1]) };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, Vec::new());
    while i < a.len() && j < b.len() {
        if a[i] == b[j] {
            out.push((i, j));
            i += 1;
            j += 1;
        } else if table[i + 1][j] >= table[i][j + 1] {
            i += 1;
        } else {
            j += 1;
        }
    }
    out
}

/// Block YAML of a value as serde_yaml writes it.
fn render(value: &Value) -> String {
    serde_yaml::to_string(value).unwrap_or_default()
}

fn indent_all(text: &str, column: usize) -> String {
    let pad = " ".repeat(column);
    text.lines().map(|l| if l.is_empty() { "\n".to_owned() } else { format!("{pad}{l}\n") }).collect()
}

fn indent_after_first(text: &str, column: usize) -> String {
    let pad = " ".repeat(column);
    let mut lines = text.split('\n');
    let mut out = lines.next().unwrap_or_default().to_owned();
    for l in lines {
        out.push('\n');
        if !l.is_empty() {
            out.push_str(&pad);
            out.push_str(l);
        }
    }
    out
}

/// Parses the document into nodes with byte ranges.
fn parse(text: &str) -> Result<Node, String> {
    let bytes_at: Vec<usize> = text.char_indices().map(|(b, _)| b).chain([text.len()]).collect();
    let byte = |char_index: usize| bytes_at.get(char_index).copied().unwrap_or(text.len());
    let mut parser = Parser::new_from_str(text);
    // Open collections, each with the key of a mapping entry whose value is still to come.
    let mut stack: Vec<(Node, Option<(String, Node)>)> = Vec::new();
    let mut root = None;
    let mut docs = 0;
    while let Some(event) = parser.next_event() {
        let (event, span) = event.map_err(|e| format!("invalid YAML: {e}"))?;
        let (start, end) = (byte(span.start.index()), byte(span.end.index()));
        let finished = match event {
            Event::DocumentStart(_) => {
                docs += 1;
                if docs > 1 {
                    return Err("more than one YAML document".into());
                }
                continue;
            }
            Event::Alias(_) => return Err("the document uses YAML aliases; edit it by hand".into()),
            Event::Scalar(value, style, anchor, _) => {
                if anchor != 0 {
                    return Err("the document uses YAML anchors; edit it by hand".into());
                }
                let end = scalar_end(text, start, end, style);
                Some((Node { start, end, kind: Kind::Scalar }, Some(value.into_owned())))
            }
            Event::MappingStart(anchor, _) | Event::SequenceStart(anchor, _) => {
                if anchor != 0 {
                    return Err("the document uses YAML anchors; edit it by hand".into());
                }
                let flow = matches!(text[start..].chars().next(), Some('{' | '['));
                let kind = if matches!(event, Event::MappingStart(..)) {
                    Kind::Map { flow, entries: Vec::new() }
                } else {
                    Kind::Seq { flow, items: Vec::new() }
                };
                stack.push((Node { start, end: start, kind }, None));
                continue;
            }
            Event::MappingEnd | Event::SequenceEnd => {
                let (mut node, _) = stack.pop().ok_or("unbalanced YAML events")?;
                let flow = matches!(node.kind, Kind::Map { flow: true, .. } | Kind::Seq { flow: true, .. });
                node.end = if flow {
                    end
                } else {
                    match &node.kind {
                        Kind::Map { entries, .. } => {
                            entries.iter().map(|(_, k, v)| k.end.max(v.end)).max().unwrap_or(start)
                        }
                        Kind::Seq { items, .. } => items.iter().map(|i| i.end).max().unwrap_or(start),
                        Kind::Scalar => start,
                    }
                };
                Some((node, None))
            }
            _ => continue,
        };
        let Some((node, scalar)) = finished else { continue };
        match stack.last_mut() {
            None => root = Some(node),
            Some((parent, pending_key)) => match &mut parent.kind {
                Kind::Seq { items, .. } => items.push(node),
                Kind::Map { entries, .. } => match pending_key.take() {
                    None => {
                        let key = scalar.ok_or("a mapping key that is not a scalar")?;
                        *pending_key = Some((key, node));
                    }
                    Some((key, k)) => entries.push((key, k, node)),
                },
                Kind::Scalar => return Err("unbalanced YAML events".into()),
            },
        }
    }
    root.ok_or_else(|| "empty document".into())
}

/// Where a scalar's text really ends: the parser's span of a quoted scalar runs on over trailing
/// comments, and a block scalar's over the blank lines after it.
fn scalar_end(text: &str, start: usize, end: usize, style: ScalarStyle) -> usize {
    let bytes = text.as_bytes();
    match style {
        ScalarStyle::SingleQuoted => {
            let mut i = start + 1;
            while i < bytes.len() {
                if bytes[i] == b'\'' {
                    if bytes.get(i + 1) == Some(&b'\'') {
                        i += 2;
                        continue;
                    }
                    return i + 1;
                }
                i += 1;
            }
            end
        }
        ScalarStyle::DoubleQuoted => {
            let mut i = start + 1;
            while i < bytes.len() {
                match bytes[i] {
                    b'\\' => i += 2,
                    b'"' => return i + 1,
                    _ => i += 1,
                }
            }
            end
        }
        _ => start + text[start..end.max(start)].trim_end().len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, new: serde_json::Value) -> String {
        let old: Value = serde_yaml::from_str(text).unwrap();
        let out = edit(text, &old, &new).unwrap();
        let reread: Value = serde_yaml::from_str(&out).unwrap();
        assert_eq!(reread, new, "the edited text means the new tree:\n{out}");
        out
    }

    const SPEC: &str = "# head\na: 1\nb:\n  # about c\n  c: 'x  y' # keep\n  d:\n  - x\n  - y: 2\n    z: 3\n  e: >-\n    folded\n    text\n\n  f: {g: 1}\nlast: \"q\"\n";

    #[test]
    fn untouched_text_stays_byte_for_byte() {
        let mut new: Value = serde_yaml::from_str(SPEC).unwrap();
        new["b"]["c"] = Value::from("changed");
        let out = check(SPEC, new);
        assert_eq!(out, SPEC.replace("'x  y'", "changed"));
    }

    #[test]
    fn keys_and_items_are_added_after_their_siblings() {
        let mut new: Value = serde_yaml::from_str(SPEC).unwrap();
        new["b"]["h"] = serde_json::json!({"type": "string"});
        new["b"]["d"].as_array_mut().unwrap().push(Value::from("w"));
        let out = check(SPEC, new);
        assert!(out.contains("  - y: 2\n    z: 3\n  - w\n  e: >-"), "{out}");
        assert!(out.contains("  f: {g: 1}\n  h:\n    type: string\nlast:"), "{out}");
        assert!(out.starts_with("# head\n") && out.contains("# about c") && out.contains("# keep"));
    }

    #[test]
    fn removed_keys_and_items_take_their_lines_with_them() {
        let mut new: Value = serde_yaml::from_str(SPEC).unwrap();
        new["b"].as_object_mut().unwrap().remove("e");
        new["b"]["d"].as_array_mut().unwrap().remove(0);
        let out = check(SPEC, new);
        assert_eq!(out, SPEC.replace("  e: >-\n    folded\n    text\n", "").replace("  - x\n", ""));
    }

    #[test]
    fn a_value_that_changes_shape_is_rewritten_in_place() {
        let mut new: Value = serde_yaml::from_str(SPEC).unwrap();
        new["a"] = serde_json::json!({"anyOf": [{"type": "number"}, {"type": "string"}]});
        new["b"]["f"]["g"] = Value::from(2);
        let out = check(SPEC, new);
        assert!(out.starts_with("# head\na:\n  anyOf:\n  - type: number\n  - type: string\nb:\n"), "{out}");
        assert!(out.contains("  f: {\"g\":2}\n"), "{out}");
    }
}
