//! The proof that a write checked its preconditions.

/// Proof that a request's preconditions were evaluated against the state a write replaces, and
/// passed.
///
/// Only [`Preconditions::check`](crate::Preconditions::check),
/// [`check_missing`](crate::Preconditions::check_missing),
/// [`check_state`](crate::Preconditions::check_state) and a successful compare-and-swap
/// ([`ExpectedVersion::conclude`](crate::ExpectedVersion::conclude)) make one, and it cannot be
/// cloned. A write's success response is built from it (with the `axum` feature,
/// `Checked::ok`, `created`, `no_content` and `accepted` make a `Written`), so a
/// `#[conditional]` write handler that forgot its check, threw its result away
/// (`let _ = pre.check(&current);`) or went on after it failed does not compile.
///
/// The proof says *that* the check passed; *where* it ran is the store's part of the contract:
/// evaluate inside the write (in the transaction that holds the row, or under the lock that guards
/// the value), on the state the write is about to replace, and carry the proof out of it:
///
/// ```
/// use std::sync::Mutex;
/// use etag_core::{Checked, EntityTag, PreconditionError, Preconditions, Versioned};
/// use http::{HeaderMap, HeaderValue, Method, header::IF_MATCH};
///
/// struct Doc { version: u64, text: String }
/// impl Versioned for Doc {
///     fn etag(&self) -> EntityTag { EntityTag::from_version(self.version) }
/// }
///
/// /// Check and write under one lock: one atomic step.
/// fn replace(doc: &Mutex<Doc>, pre: &Preconditions, text: &str)
///     -> Result<Checked, PreconditionError>
/// {
///     let mut doc = doc.lock().expect("not poisoned");
///     let checked = pre.check(&*doc)?;      // against the state being replaced…
///     doc.text = text.to_owned();           // …then the write
///     doc.version += 1;
///     Ok(checked)                           // the proof leaves with the write
/// }
///
/// let doc = Mutex::new(Doc { version: 1, text: String::new() });
/// let mut headers = HeaderMap::new();
/// headers.insert(IF_MATCH, HeaderValue::from_static("\"1\""));
/// let pre = Preconditions::parse(&Method::PUT, &headers)?;
/// assert!(replace(&doc, &pre, "first").is_ok());
/// // The same client, still holding version 1, is refused: the document is at version 2.
/// assert!(replace(&doc, &pre, "second").is_err());
/// # Ok::<(), PreconditionError>(())
/// ```
///
/// What no type can see is *which* value was checked. A handler that writes first and then
/// checks the state it wrote compiles; it checks the wrong state, so its `If-Match` never matches
/// (the client holds the old tag) and every such write is answered 412 although it landed, which
/// the handler's first test shows. Check before writing, on what the write replaces, or let the
/// database check ([`ExpectedVersion`](crate::ExpectedVersion) in the statement's `WHERE`).
#[derive(Debug)]
#[must_use = "a write can only answer success with this proof: build the response from it \
              (`checked.ok(new_state)`, `checked.no_content()`, …)"]
pub struct Checked {
    _proof: (),
}

impl Checked {
    /// Only the evaluator and the compare-and-swap outcome issue proofs.
    pub(crate) fn issue() -> Self {
        Self { _proof: () }
    }
}
