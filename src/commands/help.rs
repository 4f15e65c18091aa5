//! `help`: what the bot does and which presets a channel may subscribe to. The command list itself is
//! worded by each adapter, since each platform invokes commands differently.

use super::Reply;
use crate::feeds::presets::Presets;

/// A preset as help texts show it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PresetInfo {
    pub name: String,
    pub description: String,
}

pub fn presets(presets: &Presets) -> Vec<PresetInfo> {
    presets.iter().map(|p| PresetInfo { name: p.name.clone(), description: p.description.clone() }).collect()
}

pub fn run(all: &Presets) -> Reply {
    Reply::Help { presets: presets(all) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn help_names_every_bundled_preset() {
        let Reply::Help { presets } = run(&Presets::bundled()) else { panic!("help answers with help") };
        assert!(presets.iter().any(|p| p.name == "tech-news"), "{presets:?}");
    }
}
