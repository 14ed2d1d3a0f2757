use etag_core::conditional;

// Everything wrong at once is reported at once, and nothing else: the handler is emitted as
// written, so there are no knock-on errors about the generated code.
#[conditional(requir)]
fn get_order<T>() {}

fn main() {
    get_order::<u8>();
}
