//! Named feed sets (`config/presets.toml`), so a channel can follow a curated list with one command
//! instead of pasting URLs.

use serde::Deserialize;
use std::collections::BTreeMap;

/// The presets compiled into the binary.
pub const EMBEDDED: &str = include_str!("../../../config/presets.toml");

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Preset {
    pub description: String,
    pub urls: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Presets {
    by_name: BTreeMap<String, Preset>,
}

#[derive(Debug, thiserror::Error)]
pub enum PresetError {
    #[error("the presets file is not valid: {0}; compare it with config/presets.toml")]
    Parse(String),
    #[error("preset {name}: {url:?} is not an http(s) URL; fix it in the presets file")]
    BadUrl { name: String, url: String },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    presets: BTreeMap<String, Preset>,
}

impl Presets {
    pub fn embedded() -> Self {
        Self::from_toml(EMBEDDED).expect("the bundled presets are valid")
    }

    pub fn from_toml(text: &str) -> Result<Self, PresetError> {
        let file: File = toml::from_str(text).map_err(|e| PresetError::Parse(e.to_string().replace('\n', " ")))?;
        for (name, preset) in &file.presets {
            for url in &preset.urls {
                let ok = url::Url::parse(url).is_ok_and(|u| matches!(u.scheme(), "http" | "https"));
                if !ok {
                    return Err(PresetError::BadUrl { name: name.clone(), url: url.clone() });
                }
            }
        }
        Ok(Self { by_name: file.presets.into_iter().map(|(k, v)| (k.to_ascii_lowercase(), v)).collect() })
    }

    pub fn get(&self, name: &str) -> Option<&Preset> {
        self.by_name.get(&name.trim().to_ascii_lowercase())
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &Preset)> {
        self.by_name.iter().map(|(k, v)| (k.as_str(), v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_presets_parse_and_are_found_by_name_in_any_case() {
        let p = Presets::embedded();
        assert!(!p.get("Tech-Layoffs").unwrap().urls.is_empty());
    }

    #[test]
    fn a_preset_with_a_file_path_is_refused() {
        let err = Presets::from_toml("[presets.x]\ndescription = \"d\"\nurls = [\"/etc/passwd\"]\n").unwrap_err();
        assert!(err.to_string().contains("preset x"), "{err}");
    }
}
