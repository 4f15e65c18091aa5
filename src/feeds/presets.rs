//! Feed presets (`config/presets.toml`): names people can type in `/layoffs subscribe` (Slack or
//! Discord) instead of feed URLs: `[presets.<name>]` with a `description` and `urls`.

use serde::Deserialize;
use std::collections::BTreeMap;

/// The presets compiled into the binary.
pub const DEFAULT_PRESETS: &str = include_str!("../../config/presets.toml");

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preset {
    pub name: String,
    pub description: String,
    pub urls: Vec<url::Url>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Presets(Vec<Preset>);

#[derive(Debug, thiserror::Error)]
pub enum PresetError {
    #[error("the presets file is not valid TOML: {0}; compare it with config/presets.toml")]
    Toml(String),
    #[error("preset {name}: {url:?} is not an http(s) URL; give each feed's full address")]
    BadUrl { name: String, url: String },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    presets: BTreeMap<String, Entry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    #[serde(default)]
    description: String,
    urls: Vec<String>,
}

impl Presets {
    pub fn parse(text: &str) -> Result<Self, PresetError> {
        let file: File = toml::from_str(text).map_err(|e| PresetError::Toml(e.to_string().replace('\n', " ")))?;
        let mut out = Vec::new();
        for (name, entry) in file.presets {
            let mut urls = Vec::new();
            for raw in entry.urls {
                match url::Url::parse(&raw) {
                    Ok(u) if matches!(u.scheme(), "http" | "https") => urls.push(u),
                    _ => return Err(PresetError::BadUrl { name, url: raw }),
                }
            }
            out.push(Preset { name: name.to_ascii_lowercase(), description: entry.description, urls });
        }
        Ok(Self(out))
    }

    /// The presets bundled with the binary.
    pub fn bundled() -> Self {
        Self::parse(DEFAULT_PRESETS).expect("the bundled config/presets.toml is valid")
    }

    pub fn get(&self, name: &str) -> Option<&Preset> {
        let name = name.trim().to_ascii_lowercase();
        self.0.iter().find(|p| p.name == name)
    }

    /// Every preset, by name.
    pub fn iter(&self) -> impl Iterator<Item = &Preset> {
        self.0.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_presets_parse() {
        let p = Presets::bundled();
        assert!(p.get("Tech-News").is_some_and(|t| !t.urls.is_empty()));
        for name in ["google-news-ai-layoffs", "bing-news-ai-layoffs", "reddit-layoffs", "hacker-news-layoffs"] {
            assert!(p.get(name).is_some_and(|t| t.urls.len() == 1), "{name}");
        }
    }

    #[test]
    fn a_preset_with_a_bad_url_is_named() {
        let err = Presets::parse("[presets.x]\nurls = [\"ftp://a\"]\n").unwrap_err();
        assert!(err.to_string().contains("preset x"), "{err}");
    }
}
