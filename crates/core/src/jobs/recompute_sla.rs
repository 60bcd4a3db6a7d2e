use ferrodesk_jobs::Payload;
use serde::{Deserialize, Serialize};

/// Recomputes the SLA clocks of the organisation's open tickets after its SLA setup changed
/// (`sla::recompute_open`): one job however many changes are made before it runs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecomputeSla {}

impl Payload for RecomputeSla {
    const KIND: &'static str = "sla.recompute";

    fn dedupe_key(&self) -> Option<String> {
        Some("open-tickets".to_owned())
    }
}
