//! Procedural macros for [`etag-core`](https://docs.rs/etag-core). Use them through etag-core's
//! `derive` feature rather than depending on this crate directly.

use proc_macro::TokenStream;

mod conditional;

mod versioned;

/// Derives `etag_core::Versioned` from the fields of a struct or enum.
///
/// The tag is SHA-256 over the selected fields in etag-core's canonical encoding (any
/// `serde::Serialize` field type works), or the value of one version field. The encoding is a
/// stable contract: the same value has the same tag in every process and every release (see
/// `etag_core::canonical`).
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use etag_core::Versioned;
///
/// #[derive(Versioned)]
/// struct Order {
///     #[etag(skip)]
///     id: u64,                       // identity, not state
///     customer: String,              // every field not skipped is part of the tag
///     items: Vec<(String, u32)>,
///     #[etag(last_modified)]
///     updated_at: SystemTime,        // reported as Last-Modified, never hashed
/// }
///
/// #[derive(Versioned)]
/// struct Cart {
///     id: u64,
///     #[etag(version)]
///     version: i64,                  // the tag is `"7"`: this field alone
///     items: Vec<String>,
/// }
///
/// let at = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
/// let order = Order { id: 1, customer: "ada".into(), items: vec![], updated_at: at };
/// let same_state = Order { id: 2, ..order };
/// assert_eq!(same_state.etag().opaque().len(), 32);
/// assert_eq!(same_state.last_modified(), Some(at));
///
/// let cart = Cart { id: 1, version: 7, items: vec![] };
/// assert_eq!(cart.etag().to_string(), "\"7\"");
/// ```
///
/// # Attributes
///
/// On fields (one selection style per struct, or per enum variant):
/// - `#[etag(skip)]`: leave the field out of the tag; every other field is in it.
/// - `#[etag(include)]`: put the field in the tag; with it, the fields of the same struct or
///   variant without it are left out. In an enum, `include` in one variant does not change the
///   others: a variant with no `include` keeps every field that is not skipped.
/// - `#[etag(version)]` (structs): the tag is this field alone, through `etag_core::Version`
///   (every integer type; implement it for your own version type). Other fields are ignored.
/// - `#[etag(last_modified)]`: the field's time is `Versioned::last_modified`, through
///   `etag_core::LastModified` (`SystemTime`, `chrono` and `time` types behind features, and
///   `Option`s of them). It is not hashed into the tag.
///
/// On the struct or enum:
/// - `#[etag(weak)]`: the tags are weak (`W/"…"`): use it when equal tags mean "equivalent", not
///   "byte for byte the same representation".
/// - `#[etag(crate = "path")]`: where etag-core is, when it is renamed or re-exported.
///
/// Enums: the variant's name is part of the state, then the variant's selected fields. Generic
/// types get only the bounds their fields need, on the field types (`Vec<T>: Serialize` for a
/// hashed `Vec<T>`, `Version`, `LastModified`): a field `S::Id` needs `S::Id: Serialize`, not
/// `S: Serialize`, and a `PhantomData<T>` field asks nothing of `T`.
///
/// # Stable tags
///
/// A hashed field whose type mentions `HashSet` (`HashSet<T>`, `Vec<HashSet<T>>`, …) is a
/// compile error: a `HashSet` iterates in a different order in every process, so the same value
/// would get a different tag on every replica. Use a `BTreeSet`, or skip the field. The derive
/// sees only the type as written: a type alias, or a type of your own that holds a `HashSet` and
/// serializes it as it iterates, is not caught. `HashMap` is fine: the encoding sorts map entries.
///
/// A field whose `Serialize` implementation returns an error does not fail the tag: the error's
/// message is encoded in place of the rest of that field's value (see `etag_core::canonical`).
/// So two values that differ only after the point where serialization failed, and fail with the
/// same message, share a tag.
#[proc_macro_derive(Versioned, attributes(etag))]
pub fn derive_versioned(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    versioned::derive(&input).into()
}

/// Makes an async axum handler answer conditional requests (RFC 9110 §13).
///
/// Use it through `etag_core::conditional` (features `derive` and `axum`); the guide in
/// etag-core's crate documentation shows a complete GET/PUT service.
///
/// ```
/// # use std::collections::HashMap;
/// # use std::sync::{Arc, Mutex};
/// # use axum::extract::{Path, State};
/// # use axum::response::{IntoResponse, Response};
/// # use axum::Json;
/// # use etag_core::{Checked, PreconditionError, Preconditions, Versioned, Written, conditional};
/// # #[derive(Clone, serde::Serialize, Versioned)]
/// # struct Order { #[etag(version)] version: u64, items: Vec<String> }
/// # #[derive(serde::Deserialize)]
/// # struct OrderInput { items: Vec<String> }
/// # impl OrderInput {
/// #     fn apply(&self, order: &Order) -> Order {
/// #         Order { version: order.version + 1, items: self.items.clone() }
/// #     }
/// # }
/// # enum ApiError { NotFound, Precondition(PreconditionError) }
/// # impl From<PreconditionError> for ApiError {
/// #     fn from(error: PreconditionError) -> Self { Self::Precondition(error) }
/// # }
/// # impl IntoResponse for ApiError {
/// #     fn into_response(self) -> Response {
/// #         match self {
/// #             Self::NotFound => axum::http::StatusCode::NOT_FOUND.into_response(),
/// #             Self::Precondition(error) => error.into_response(),
/// #         }
/// #     }
/// # }
/// # #[derive(Clone, Default)]
/// # struct Db(Arc<Mutex<HashMap<u64, Order>>>);
/// # impl Db {
/// #     async fn load(&self, id: u64) -> Result<Order, ApiError> {
/// #         let orders = self.0.lock().map_err(|_| ApiError::NotFound)?;
/// #         orders.get(&id).cloned().ok_or(ApiError::NotFound)
/// #     }
/// #     async fn update(
/// #         &self,
/// #         id: u64,
/// #         change: impl FnOnce(&Order) -> Result<(Checked, Order), PreconditionError>,
/// #     ) -> Result<Written<Order>, ApiError> {
/// #         let mut orders = self.0.lock().map_err(|_| ApiError::NotFound)?;
/// #         let current = orders.get_mut(&id).ok_or(ApiError::NotFound)?;
/// #         let (checked, new) = change(current)?;
/// #         *current = new;
/// #         Ok(checked.ok(current.clone()))
/// #     }
/// # }
/// #[conditional]                                         // GET/HEAD: 304 from the returned value
/// async fn get_order(State(db): State<Db>, Path(id): Path<u64>) -> Result<Order, ApiError> {
///     db.load(id).await
/// }
///
/// #[conditional(require)]                                // writes: 428 without, 412 when stale
/// async fn put_order(State(db): State<Db>, Path(id): Path<u64>, pre: Preconditions,
///                    Json(input): Json<OrderInput>) -> Result<Written<Order>, ApiError> {
///     // The check runs inside the write; its proof builds the success response.
///     db.update(id, |current| pre.check(current).map(|ok| (ok, input.apply(current)))).await
/// }
/// # let _: axum::Router = axum::Router::new()
/// #     .route("/orders/{id}", axum::routing::get(get_order).put(put_order))
/// #     .with_state(Db::default());
/// ```
///
/// The result is a plain axum handler whose first extractor parses the conditional headers, so a
/// malformed one (400) or a missing one under `require` (428) is answered before the body is
/// read. A read handler returns a `Versioned + Serialize` value or an `etag_core::Tagged` one; a
/// write handler returns an `etag_core::Written`, which only the proof of a passing check
/// (`pre.check(&current)?`) can build; either may be the `Ok` of a `Result`. The value's tag and
/// date become `ETag` and `Last-Modified`, and a GET or HEAD whose `If-None-Match` /
/// `If-Modified-Since` matches gets a 304 without the body being serialized.
///
/// Options:
/// - `require`: answer 428 unless the request carries a precondition (writes only: a compile
///   error on a read's return type, ignored for GET and HEAD).
/// - `precheck = <expr>`: an expression over the handler's arguments giving the current state
///   cheaply (`Option<impl Versioned>`, a `ResourceState`, or a `Result` of either), evaluated
///   before the body: a 304 or 412 it decides skips the handler.
/// - `error = Type`: the handler's error type (`From<PreconditionError> + IntoResponse`), through
///   which every answer of the attribute goes (400, 412, 428, a precheck's 412).
/// - `crate = "path"`: where `etag_core` is, when renamed or re-exported.
///
/// A handler returning a read's type that is routed for an unsafe method is answered with a 500
/// before its body runs, and logged: it could only write without a proof of its check.
#[proc_macro_attribute]
pub fn conditional(args: TokenStream, item: TokenStream) -> TokenStream {
    conditional::conditional(args.into(), item.into()).into()
}
