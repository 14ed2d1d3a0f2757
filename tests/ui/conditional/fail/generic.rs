use etag_core::{Versioned, conditional};

#[conditional]
async fn get_any<T: Versioned + serde::Serialize + Default>() -> T {
    T::default()
}

fn main() {}
