//! The config file's shape (`config/layoffwatch.toml` documents every key). Unknown keys are
//! refused, so a typo is named rather than ignored. Secrets have no place here.

use serde::Deserialize;

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct File {
    #[serde(default)]
    pub store: StoreSection,
    #[serde(default)]
    pub feeds: FeedsSection,
    #[serde(default)]
    pub output: OutputSection,
    #[serde(default)]
    pub privacy: PrivacySection,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct StoreSection {
    pub db: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct FeedsSection {
    pub urls: Option<Vec<String>>,
    pub poll_seconds: Option<i64>,
    pub max_age_days: Option<i64>,
    pub allow_private_addresses: Option<bool>,
    pub contact: Option<String>,
    pub disable_after_failures: Option<i64>,
    pub full_text: Option<bool>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct OutputSection {
    pub console: Option<bool>,
    pub jsonl: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct PrivacySection {
    pub article_text_days: Option<i64>,
}
