//! Validators found in the Redis cache as a `#[conditional(precheck = …)]` result.

use axum::response::Response;

use crate::cache::Cached;
use crate::{PrecheckResult, ResourceState};

impl PrecheckResult for Cached {
    fn into_current_state(self) -> Result<Option<ResourceState>, Response> {
        Ok(Some(self.into_state()))
    }
}

impl PrecheckResult for Option<Cached> {
    fn into_current_state(self) -> Result<Option<ResourceState>, Response> {
        self.map(Cached::into_state).into_current_state()
    }
}
