//! Procedural macros for [`etag-core`](https://docs.rs/etag-core). Use them through etag-core's
//! `derive` feature rather than depending on this crate directly.

use proc_macro::TokenStream;

mod attr_util;
mod bound;
mod conditional;
mod ctxt;
mod encode;
mod name;
mod versioned;

/// Derives `etag_core::Versioned` from the fields of a struct or enum.
///
/// The tag is SHA-256 over the selected fields in etag-core's canonical encoding (any
/// `serde::Serialize` field type works), or the value of one version field. The encoding is a
/// stable contract: the same value has the same tag in every process and every release (see
/// `etag_core::canonical`). Field types that implement `etag_core::canonical::Encode` (the
/// standard types, and your types with `#[derive(Encode)]`) are written without serde's visitor
/// machinery; the others go through `Serialize`. The bytes, and so the tags, are the same.
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use etag_core::Versioned;
///
/// #[derive(Versioned)]
/// struct Order {
///     #[etag(id)]
///     id: u64,                       // identity, named by the URL: not in the tag
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
/// - `#[etag(skip)]`: leave the field out of the tag; every other field is in it. For data the
///   body does not show (with `#[serde(skip)]`): see "The tag covers the body" below.
/// - `#[etag(id)]`: the resource's identity, which the URL already names: left out of the tag,
///   and the body may show it. Works with either selection style.
/// - `#[etag(include)]`: put the field in the tag; with it, the fields of the same struct or
///   variant without it are left out. In an enum, `include` in one variant does not change the
///   others: a variant with no `include` keeps every field that is not skipped.
/// - `#[etag(version)]` (structs): the tag is this field alone, through `etag_core::Version`
///   (every integer type; implement it for your own version type). Other fields are ignored.
/// - `#[etag(last_modified)]`: the field's time is `Versioned::last_modified`, through
///   `etag_core::LastModified` (`SystemTime`, `chrono` and `time` types behind features, and
///   `Option`s of them). It is not hashed into the tag.
/// - `#[etag(with = path::to::function)]`: hash what `function(&field)` returns instead of the
///   field (any `Serialize` value, borrowed from the field or not). For an unordered set, one
///   line: `#[etag(with = etag_core::canonical::sorted)]` hashes its elements in ascending order,
///   exactly as a `BTreeSet` of them would be. For a foreign type without a suitable
///   `Serialize`, name a function returning its state (say `fn url(u: &Url) -> &str`). serde's
///   `#[serde(serialize_with = …)]` changes the body, not the tag: the derive hashes the field's
///   own `Serialize` unless `with` says otherwise.
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
/// # The tag covers the body
///
/// A tag that stays the same while the body changes is a stale-cache bug: caches send
/// `If-None-Match`, get a 304 because the tag still matches, and keep serving the old body. So the
/// tag must cover everything the representation shows except what the URL identifies, and when
/// the type is `serde::Serialize` the derive enforces it: a field left out of the tag (by
/// `#[etag(skip)]`, or by not being `#[etag(include)]`d) that serde still serializes is a compile
/// error at the field. Mark the identity `#[etag(id)]`, or give data the body does not show
/// `#[serde(skip)]` (or `#[serde(skip_serializing)]`) as well.
///
/// Exempt, because they cannot hide a change: the `#[etag(last_modified)]` field (it changes on
/// every write, and `Last-Modified` shows it anyway), every field of an `#[etag(version)]` struct
/// (the version moves on every write), fields of a `#[serde(skip)]` variant, and types with
/// `#[serde(into = "…")]` (their body is another type's). The check sees `Serialize` as the
/// impl is type-checked: for a generic type whose `Serialize` depends on its parameters it
/// cannot tell, and says nothing.
///
/// ```compile_fail,E0277
/// # use etag_core::Versioned;
/// #[derive(serde::Serialize, Versioned)]
/// struct Product {
///     name: String,
///     #[etag(skip)]
///     stock: u32,    // error: left out of the tag but serialized into the body
/// }
/// ```
///
/// # Stable tags
///
/// A hashed field whose type mentions `HashSet` (`HashSet<T>`, `Vec<HashSet<T>>`, …) is a
/// compile error unless it has `#[etag(with = …)]`: a `HashSet` iterates in a different order in
/// every process, so the same value would get a different tag on every replica. Hash it through
/// `#[etag(with = etag_core::canonical::sorted)]`, or use a `BTreeSet`. A field whose type is an
/// alias of a `HashSet` is refused too, where it is hashed; a set hidden inside another type (an
/// alias of `Vec<HashSet<T>>`, a type of your own that holds one and serializes it as it
/// iterates) is not caught. `HashMap` is fine: the encoding sorts map entries.
///
/// ```
/// use std::collections::HashSet;
/// use etag_core::Versioned;
///
/// #[derive(Versioned)]
/// struct Article {
///     #[etag(with = etag_core::canonical::sorted)]
///     tags: HashSet<String>,
/// }
/// # let a = Article { tags: HashSet::from(["x".to_owned(), "y".to_owned()]) };
/// # let b = Article { tags: HashSet::from(["y".to_owned(), "x".to_owned()]) };
/// # assert_eq!(a.etag(), b.etag());
/// ```
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

/// Derives `etag_core::canonical::Encode`: the canonical encoding of a `Serialize` type, written
/// without serde, so a derived tag that holds this type (`Vec<Item>`, `Option<Customer>`, …) skips
/// serde's visitor machinery for it. Use it next to `#[derive(Serialize)]` on the types your
/// `Versioned` types hold:
///
/// ```
/// use etag_core::{Versioned, canonical::Encode};
///
/// #[derive(serde::Serialize, Encode)]
/// struct Item {
///     sku: String,
///     #[serde(rename = "qty")]
///     quantity: u32,
/// }
///
/// #[derive(Versioned)]
/// struct Cart {
///     items: Vec<Item>,       // encoded directly: `Vec<Item>: Encode`
/// }
///
/// # let cart = Cart { items: vec![Item { sku: "A-1".into(), quantity: 2 }] };
/// # #[derive(serde::Serialize)]
/// # struct Reference<'a> { items: &'a Vec<Item> }
/// // The same tag as through serde: the bytes are the same.
/// assert_eq!(cart.etag(), etag_core::canonical::tag(&Reference { items: &cart.items }));
/// ```
///
/// It writes exactly the bytes `#[derive(Serialize)]` makes serde write, so adding or removing it
/// never changes a tag. It mirrors `rename` and `skip` / `skip_serializing` (and ignores what only
/// affects deserializing); any other serde attribute that changes serialization (`flatten`,
/// `serialize_with`, `rename_all`, `tag`, `untagged`, …) is a compile error: leave `Encode` off
/// such a type and it goes through serde. Do not derive it on a type with a hand-written
/// `Serialize`: it would encode the fields, not what your impl writes. A field type without
/// `Encode` is written through its `Serialize`; generic fields need `Encode`.
#[proc_macro_derive(Encode, attributes(etag))]
pub fn derive_encode(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    encode::derive(&input).into()
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
