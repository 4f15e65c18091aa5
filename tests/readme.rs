//! The README's example posts are real `preview` output (issue 12): every block that follows a
//! `<!-- preview: ARGS -->` marker must be what `layoffwatch preview --text ARGS` prints, from the
//! `$` line to the end of the block, so the README cannot drift from what the bot posts.

use std::process::Command;

/// (arguments, the block's lines after its `$` command line) for every marked block.
fn marked_blocks(readme: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = readme;
    while let Some(at) = rest.find("<!-- preview: ") {
        let after = &rest[at + "<!-- preview: ".len()..];
        let args = after[..after.find(" -->").expect("a closed marker")].to_string();
        let body = &after[after.find("```text\n").expect("a text block after the marker") + "```text\n".len()..];
        let block = &body[..body.find("```").expect("a closed block")];
        let (command, output) = block.split_once('\n').expect("a command line, then the output");
        assert_eq!(command, format!("$ layoffwatch preview --text {args}"), "the block shows its own command");
        out.push((args, output.to_string()));
        rest = body;
    }
    out
}

#[test]
fn the_readme_shows_what_preview_prints() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let blocks = marked_blocks(&readme);
    assert_eq!(blocks.len(), 4, "a story post and a thread summary on each platform");
    let dir = tempfile::tempdir().unwrap();
    for (args, shown) in blocks {
        let html = dir.path().join("preview.html");
        let out = Command::new(env!("CARGO_BIN_EXE_layoffwatch"))
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args(["preview", "--text", "--html"])
            .arg(&html)
            .args(args.split_whitespace())
            .env("NO_COLOR", "1")
            .output()
            .expect("the binary runs");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let printed = String::from_utf8(out.stdout).unwrap();
        assert!(
            printed.starts_with(&shown),
            "the README's `preview {args}` block is out of date; paste this instead:\n{printed}"
        );
        assert!(std::fs::metadata(&html).is_ok_and(|m| m.len() > 0), "the HTML page is written");
    }
}
