use etag_core::conditional;

// A String has no validators: there is nothing to put in ETag.
#[conditional]
async fn get_greeting() -> Result<String, std::convert::Infallible> {
    Ok("hello".to_owned())
}

fn main() {}
