"""Writes a small axum app with N handlers, for `measure.sh` and `wall.sh`: each under `#[conditional]`
returning a derived `Versioned` order (`c`), or plain, returning `Json` of the same order (`p`)."""

import sys

count, kind = int(sys.argv[1]), sys.argv[2]
lines = [
    "#![allow(unused_imports)]",
    "use axum::{Json, Router, extract::Path, routing::get};",
    "use etag_core::{Versioned, conditional};",
    "use serde::Serialize;",
    "",
    "#[derive(Clone, Serialize, Versioned)]",
    "pub struct Order { #[etag(id)] id: u64, items: Vec<String>, total: u64 }",
    "",
]
for index in range(count):
    if kind == "c":
        lines.append(
            f"#[conditional]\nasync fn h{index}(Path(id): Path<u64>) -> Order "
            f"{{ Order {{ id, items: vec![], total: {index} }} }}"
        )
    else:
        lines.append(
            f"async fn h{index}(Path(id): Path<u64>) -> Json<Order> "
            f"{{ Json(Order {{ id, items: vec![], total: {index} }}) }}"
        )
routes = "".join(f'.route("/o{index}/{{id}}", get(h{index}))' for index in range(count))
lines.append(f"pub fn app() -> Router {{ Router::new(){routes} }}")
lines.append("#[tokio::main]\nasync fn main() { let _ = app(); }")
with open(sys.argv[3], "w") as out:
    out.write("\n".join(lines) + "\n")
