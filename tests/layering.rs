//! The layering holds: adapters import only `core`, `delivery`, the commands layer and two leaves
//! (`secret`, `metrics`), nothing else of ours. Every `crate::` path in every file under
//! `src/adapters/` is read, including the members of `use crate::{…}` groups and paths written inline
//! (`crate::store::Store` in a signature), and `super::` chains that climb out of `adapters`.
//! A drawing of the modules then has no arrow running back up from the adapters.

use std::path::{Path, PathBuf};

/// What an adapter may import, besides itself.
const ALLOWED: &[&str] = &["adapters", "core", "delivery", "commands", "secret", "metrics"];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Source with comments and string literals blanked, so a doc comment naming `crate::store` or a
/// string holding one is not an import.
fn code_only(source: &str) -> String {
    let chars: Vec<char> = source.chars().collect();
    let mut out = String::with_capacity(source.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            i += 2;
            while i + 1 < chars.len() && !(chars[i] == '*' && chars[i + 1] == '/') {
                i += 1;
            }
            i += 2;
        } else if c == '"' {
            // Raw strings (r"…", r#"…"#) are closed by their own hashes.
            let hashes = out.chars().rev().take_while(|&h| h == '#').count();
            let raw = out.chars().rev().nth(hashes) == Some('r');
            out.push(' ');
            i += 1;
            while i < chars.len() {
                if !raw && chars[i] == '\\' {
                    i += 2;
                    continue;
                }
                if chars[i] == '"' && (!raw || chars[i + 1..].iter().take(hashes).all(|&h| h == '#')) {
                    i += 1 + if raw { hashes } else { 0 };
                    break;
                }
                i += 1;
            }
        } else if c == '\'' && next.is_some_and(|n| n != '\\') && chars.get(i + 2) == Some(&'\'') {
            // A character literal such as '"' (lifetimes have no closing quote).
            out.push(' ');
            i += 3;
        } else if c == '\'' && next == Some('\\') {
            let close = chars[i + 2..].iter().position(|&q| q == '\'').map_or(chars.len(), |p| i + 3 + p);
            out.push(' ');
            i = close;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// The top-level module of every `crate::` path in `code`: `crate::store::X` gives `store`,
/// `crate::{core::a, feeds::b}` gives `core` and `feeds`.
fn crate_roots(code: &str) -> Vec<String> {
    let mut roots = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        let before = rest[..at].chars().next_back();
        rest = &rest[at + "crate::".len()..];
        if before.is_some_and(|c| is_ident(c) || c == ':') {
            continue; // `$crate::` or `my_crate::`
        }
        let trimmed = rest.trim_start();
        if let Some(group) = trimmed.strip_prefix('{') {
            let mut depth = 1;
            let mut member = String::new();
            let mut members = Vec::new();
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    ',' if depth == 1 => members.push(std::mem::take(&mut member)),
                    _ => {}
                }
                if depth == 0 {
                    members.push(std::mem::take(&mut member));
                    break;
                }
                if depth >= 1 && !(c == ',' && depth == 1) {
                    member.push(c);
                }
            }
            for m in members {
                let name: String = m.trim().chars().take_while(|&c| is_ident(c)).collect();
                if !name.is_empty() {
                    roots.push(name);
                }
            }
        } else {
            let name: String = trimmed.chars().take_while(|&c| is_ident(c)).collect();
            roots.push(name);
        }
    }
    roots
}

/// How many `super::` a path in a file at `depth` below `src/adapters` may climb before it leaves
/// `adapters`: a file's module is itself (or, for `mod.rs`, its folder).
fn escapes_adapters(code: &str, depth: usize) -> bool {
    let mut rest = code;
    while let Some(at) = rest.find("super::") {
        let before = rest[..at].chars().next_back();
        let mut chain = 1;
        let mut tail = &rest[at + "super::".len()..];
        while let Some(t) = tail.strip_prefix("super::") {
            chain += 1;
            tail = t;
        }
        if !before.is_some_and(|c| is_ident(c) || c == ':') && chain > depth {
            return true;
        }
        rest = tail;
    }
    false
}

#[test]
fn the_scanner_reads_groups_inline_paths_and_leaves_comments_and_strings_alone() {
    let code = code_only(
        "use crate::{core::model::X, store::{Store, SqliteStore}, feeds};\n\
         fn f(s: &crate::summaries::Offline) {}\n\
         // crate::pipeline in a comment\n\
         let t = \"crate::llm in a string\"; let c = '\"'; let r = r#\"crate::eval\"#;\n\
         use crate::{\n    metrics,\n};",
    );
    assert_eq!(crate_roots(&code), ["core", "store", "feeds", "summaries", "metrics"]);
    assert!(escapes_adapters("use super::super::store;", 1));
    assert!(!escapes_adapters("use super::blocks;", 1));
}

#[test]
fn adapters_import_only_core_delivery_commands_and_the_two_leaves() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&root.join("adapters"), &mut files);
    assert!(files.len() > 10, "the adapters were found: {files:?}");
    let mut wrong = Vec::new();
    for file in &files {
        let relative = file.strip_prefix(&root).unwrap().to_string_lossy().replace('\\', "/");
        let code = code_only(&std::fs::read_to_string(file).unwrap());
        for module in crate_roots(&code) {
            if !ALLOWED.contains(&module.as_str()) {
                wrong.push(format!("{relative}: crate::{module}"));
            }
        }
        // adapters/x.rs and adapters/x/mod.rs are one level below `adapters`; adapters/x/y.rs two.
        let depth = relative.matches('/').count() - usize::from(relative.ends_with("/mod.rs"));
        if escapes_adapters(&code, depth) {
            wrong.push(format!("{relative}: a super:: path that leaves adapters"));
        }
    }
    assert!(wrong.is_empty(), "adapters reach past the layering:\n{}", wrong.join("\n"));
}
