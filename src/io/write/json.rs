//! `plan.json`: the machine contract (schema `clearance.plan/v1`). Pretty-printed, except that
//! each line of `lines` is one compact object on its own text line: readable, and a third of
//! the size of a fully indented file for a million lines.

use super::atomic::io_err;
use crate::error::{Error, Result};
use crate::model::Plan;
use std::io::Write;
use std::path::Path;

pub fn write_plan(plan: &Plan, w: &mut dyn Write, target: &Path) -> Result<()> {
    let json_err =
        |e: serde_json::Error| Error::Internal(format!("cannot serialise the plan: {e}"));
    let io = io_err(target);
    // Everything but the lines, pretty, then the lines spliced in one per text line.
    let head = PlanHead(plan);
    let text = serde_json::to_string_pretty(&head).map_err(json_err)?;
    let marker = "\"lines\": []";
    let (before, after) = text
        .rsplit_once(marker)
        .ok_or_else(|| Error::Internal("plan.json layout: no lines marker".into()))?;
    w.write_all(before.as_bytes()).map_err(&io)?;
    w.write_all(b"\"lines\": [").map_err(&io)?;
    for (i, line) in plan.lines.iter().enumerate() {
        w.write_all(if i == 0 { b"\n    " } else { b",\n    " })
            .map_err(&io)?;
        serde_json::to_writer(&mut *w, line).map_err(json_err)?;
    }
    if !plan.lines.is_empty() {
        w.write_all(b"\n  ").map_err(&io)?;
    }
    w.write_all(b"]").map_err(&io)?;
    w.write_all(after.as_bytes()).map_err(&io)?;
    w.write_all(b"\n").map_err(&io)
}

/// The plan with an empty `lines` list, in the same field order.
struct PlanHead<'a>(&'a Plan);

impl serde::Serialize for PlanHead<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let p = self.0;
        let mut st = s.serialize_struct("Plan", 10)?;
        st.serialize_field("schema", &p.schema)?;
        st.serialize_field("plan_id", &p.plan_id)?;
        st.serialize_field("generated_at", &p.generated_at)?;
        st.serialize_field("as_of", &p.as_of)?;
        st.serialize_field("policy", &p.policy)?;
        st.serialize_field("campaign", &p.campaign)?;
        st.serialize_field("inputs", &p.inputs)?;
        st.serialize_field("warnings", &p.warnings)?;
        st.serialize_field("summary", &p.summary)?;
        st.serialize_field("lines", &[] as &[u8])?;
        st.end()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn marker_is_what_serde_json_writes() {
        let v = serde_json::json!({"a": 1, "lines": []});
        assert!(
            serde_json::to_string_pretty(&v)
                .unwrap()
                .contains("\"lines\": []")
        );
    }
}
