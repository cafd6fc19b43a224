//! The server's layering (ARCHITECTURE.md, "Inside the server"): no module imports from
//! a module that depends on it. Reads `server/src` and fails on any cycle among its
//! top-level modules, or among the files of one of its folders (`engine/`, `storage/`).
#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(files(&p));
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
    out
}

/// Names a path segment list starts with after `crate::`, e.g. `crate::{a, b::c}` → a, b.
fn crate_paths(source: &str, prefix: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = source;
    while let Some(at) = rest.find(prefix) {
        rest = &rest[at + prefix.len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            for item in group[..end].split(',') {
                let name: String = item.trim().chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                if !name.is_empty() {
                    out.insert(name);
                }
            }
        } else {
            let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            if !name.is_empty() {
                out.insert(name);
            }
        }
    }
    out
}

/// A cycle in `graph`, if there is one.
fn cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        n: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        stack: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = stack.iter().position(|x| x == n) {
            let mut c = stack[at..].to_vec();
            c.push(n.to_owned());
            return Some(c);
        }
        if done.contains(n) {
            return None;
        }
        stack.push(n.to_owned());
        for m in graph.get(n).into_iter().flatten() {
            if let Some(c) = visit(m, graph, stack, done) {
                return Some(c);
            }
        }
        stack.pop();
        done.insert(n.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    graph.keys().find_map(|n| visit(n, graph, &mut Vec::new(), &mut done))
}

#[test]
fn no_module_imports_from_one_that_depends_on_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let top_level: BTreeSet<String> = std::fs::read_dir(&src)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter_map(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut folders: BTreeMap<String, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
    for file in files(&src) {
        let rel = file.strip_prefix(&src).unwrap();
        let parts: Vec<String> = rel.iter().map(|s| s.to_string_lossy().trim_end_matches(".rs").to_owned()).collect();
        let module = parts[0].clone();
        if module == "main" || module == "cli" {
            continue; // the binary sits above everything
        }
        let text = std::fs::read_to_string(&file).unwrap();
        // Code only: not tests, not comments (a doc link is not an import).
        let code: String = text
            .split("#[cfg(test)]")
            .next()
            .unwrap_or_default()
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        let code = code.as_str();
        let from = if module == "lib" { "lib".to_owned() } else { module.clone() };
        for target in crate_paths(code, "crate::") {
            let to = if top_level.contains(&target) { target } else { "lib".to_owned() };
            if to != from {
                graph.entry(from.clone()).or_default().insert(to);
            }
        }
        if parts.len() == 2 {
            let inner = folders.entry(module.clone()).or_default();
            let me = parts[1].clone();
            let mut deps: BTreeSet<String> = crate_paths(code, "super::").into_iter().filter(|d| d != &me).collect();
            deps.extend(crate_paths(code, &format!("crate::{module}::")).into_iter().filter(|d| d != &me));
            inner.entry(me).or_default().extend(deps);
        }
    }
    assert!(graph.contains_key("http") && graph.contains_key("storage"), "the parser found the modules: {graph:?}");
    if let Some(c) = cycle(&graph) {
        panic!("server modules import in a circle: {}", c.join(" → "));
    }
    for (folder, inner) in &folders {
        if let Some(c) = cycle(inner) {
            panic!("server/src/{folder}: files import in a circle: {}", c.join(" → "));
        }
    }
}

#[test]
fn the_checker_finds_a_cycle() {
    let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    g.entry("a".into()).or_default().insert("b".into());
    g.entry("b".into()).or_default().insert("c".into());
    assert!(cycle(&g).is_none());
    g.entry("c".into()).or_default().insert("a".into());
    assert_eq!(cycle(&g), Some(vec!["a".into(), "b".into(), "c".into(), "a".into()]));
    assert_eq!(
        crate_paths("use crate::{auth::x, engine};\nuse crate::state::AppState;", "crate::"),
        ["auth", "engine", "state"].map(String::from).into()
    );
}
