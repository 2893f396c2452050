//! Reads which of a crate's top-level modules each module names, for the
//! `layers` tests of the app and the server (included by `#[path]`).
//!
//! It reads paths as text (`crate::…` and `super::…` outside comments and
//! strings), which is all a `use` or a qualified name can be in these
//! crates.

use std::{
    collections::BTreeSet,
    fs,
    path::{Path, PathBuf},
};

/// A crate's modules, top to bottom, and the names its root re-exports.
pub struct Layers<'a> {
    pub layers: &'a [&'a [&'a str]],
    /// `crate::Config` is `config`'s: (re-exported name, module).
    pub reexports: &'a [(&'a str, &'a str)],
    /// Folders of `src` that are other crates (`bin/`).
    pub other_crates: &'a [&'a str],
}

impl Layers<'_> {
    /// The module a name at the crate root belongs to: itself, or the module
    /// it is re-exported from.
    fn owner<'m>(&'m self, module: &'m str) -> &'m str {
        self.reexports
            .iter()
            .find(|(name, _)| *name == module)
            .map_or(module, |(_, owner)| owner)
    }

    fn layer_of(&self, module: &str) -> usize {
        let module = self.owner(module);
        self.layers
            .iter()
            .position(|layer| layer.contains(&module))
            .unwrap_or_else(|| panic!("module `{module}` is in no layer: add it to LAYERS"))
    }

    /// Fails, listing them, if any path in `src` goes sideways or up.
    pub fn assert_imports_go_down(&self, src: &Path) {
        let wrong = self.violations(src);
        assert!(
            wrong.is_empty(),
            "imports that go sideways or up:\n{}",
            wrong.into_iter().collect::<Vec<_>>().join("\n")
        );
    }

    /// Every path in `src` to a module in the same layer or one above:
    /// "file: `from` uses `to`".
    fn violations(&self, src: &Path) -> BTreeSet<String> {
        let mut wrong = BTreeSet::new();
        for file in rust_files(src) {
            let module = module_path(src, &file);
            let Some(top) = module.first() else { continue }; // the crate root
            if self.other_crates.contains(&top.as_str()) {
                continue;
            }
            let code = strip_comments_and_strings(&read(&file));
            for used in top_modules_used(&module, &code) {
                if self.owner(&used) != top && self.layer_of(&used) <= self.layer_of(top) {
                    let file = file.strip_prefix(src).unwrap().display().to_string();
                    wrong.insert(format!("{file}: `{top}` uses `{used}`"));
                }
            }
        }
        wrong
    }
}

fn read(file: &Path) -> String {
    fs::read_to_string(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()))
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            files.push(path);
        }
    }
    files
}

/// `src/client/session/renew.rs` → `[client, session, renew]`; a `mod.rs`
/// is its folder's module; `lib.rs` the crate root (`[]`).
fn module_path(src: &Path, file: &Path) -> Vec<String> {
    let relative = file.strip_prefix(src).unwrap().with_extension("");
    let mut parts: Vec<String> = relative
        .iter()
        .map(|part| part.to_string_lossy().into_owned())
        .collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
        parts.pop();
    }
    parts
}

/// The top-level modules that `code`, in module `module`, names through
/// `crate::` or `super::` paths (`super` counts inline `mod x { … }` too).
pub fn top_modules_used(module: &[String], code: &str) -> BTreeSet<String> {
    let mut used = BTreeSet::new();
    let bytes = code.as_bytes();
    // Inline modules open here: their names and the brace depth inside them.
    let mut inline: Vec<usize> = Vec::new();
    let mut braces = 0;
    let mut at = 0;
    while at < code.len() {
        let rest = &code[at..];
        let starts_word = at == 0 || !is_ident(bytes[at - 1]);
        match bytes[at] {
            b'{' => braces += 1,
            b'}' => {
                braces -= 1;
                if inline.last() == Some(&(braces + 1)) {
                    inline.pop();
                }
            }
            _ => {}
        }
        if starts_word && rest.starts_with("mod ") {
            let after = rest["mod ".len()..].trim_start_matches(|c: char| is_ident(c as u8));
            if after.trim_start().starts_with('{') {
                inline.push(braces + 1);
            }
        }
        let base = if starts_word && rest.starts_with("crate::") {
            at += "crate::".len();
            Some(0)
        } else if starts_word && rest.starts_with("super::") {
            let mut depth = module.len() + inline.len();
            while code[at..].starts_with("super::") {
                at += "super::".len();
                depth = depth.saturating_sub(1);
            }
            Some(depth)
        } else {
            None
        };
        match base {
            // Still inside the top module: not an import between modules.
            Some(depth) if depth > 0 => {
                used.insert(module.first().cloned().unwrap_or_default());
                continue;
            }
            Some(_) => {
                used.extend(first_segments(&code[at..]));
                continue;
            }
            None => {}
        }
        at += rest.chars().next().map_or(1, char::len_utf8);
    }
    used.retain(|name| !name.is_empty());
    used
}

/// `a::b` → `[a]`; `{a::b, c::{d}}` → `[a, c]`.
fn first_segments(path: &str) -> Vec<String> {
    let ident = |text: &str| -> String {
        text.bytes()
            .take_while(|&b| is_ident(b))
            .map(char::from)
            .collect()
    };
    let Some(group) = path.strip_prefix('{') else {
        return vec![ident(path)];
    };

    let mut segments = Vec::new();
    let (mut depth, mut item_starts) = (0, true);
    for (i, ch) in group.char_indices() {
        match ch {
            '{' => depth += 1,
            '}' if depth == 0 => break,
            '}' => depth -= 1,
            ',' if depth == 0 => item_starts = true,
            c if c.is_whitespace() => {}
            _ if item_starts && depth == 0 => {
                segments.push(ident(&group[i..]));
                item_starts = false;
            }
            _ => {}
        }
    }
    segments.retain(|segment| !segment.is_empty() && segment != "self");
    segments
}

fn is_ident(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_'
}

/// `code` with comments and string literals blanked out, so that paths in
/// docs and messages don't count.
pub fn strip_comments_and_strings(code: &str) -> String {
    let mut out = String::with_capacity(code.len());
    let mut chars = code.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'/') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            '/' if chars.peek() == Some(&'*') => {
                let mut previous = ' ';
                for c in chars.by_ref() {
                    if previous == '*' && c == '/' {
                        break;
                    }
                    previous = c;
                }
                out.push(' ');
            }
            '"' => {
                let mut escaped = false;
                for c in chars.by_ref() {
                    if c == '"' && !escaped {
                        break;
                    }
                    escaped = c == '\\' && !escaped;
                }
                out.push_str("\"\"");
            }
            '\'' => {
                // A character literal (`'}'`, `b'"'`, `'\''`) is not code: its
                // brace or quote must not count. A lifetime (`'a`) stays.
                let mut ahead = chars.clone();
                let literal = match (ahead.next(), ahead.next(), ahead.next()) {
                    (Some('\\'), Some(_), Some('\'')) => 3,
                    (Some(c), Some('\''), _) if c != '\\' => 2,
                    _ => 0,
                };
                for _ in 0..literal {
                    chars.next();
                }
                out.push_str(if literal > 0 { "' '" } else { "'" });
            }
            _ => out.push(c),
        }
    }
    out
}
