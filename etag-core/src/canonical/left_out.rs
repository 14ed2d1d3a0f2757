//! The derive's check that a field left out of the tag is not shown in the body: the rule that a
//! derived tag covers the whole representation, except what the URL identifies.
//!
//! For each field that `#[derive(Versioned)]` leaves out of the tag (`#[etag(skip)]`, or not
//! chosen by `#[etag(include)]`) and that serde does not skip either, the derive emits
//! `NotShownInTheBody::left_out_field((&LeftOut::<Self>::PROBE).shown())`, spanned at the
//! field. Method resolution picks `ShownIfSerialize` when the type implements `Serialize` (its
//! impl is on `LeftOut<T>` itself, which is tried before the autoref'd `&LeftOut<T>` of the
//! fallback, `NotShown`).
//! Only the fallback's result satisfies `NotShownInTheBody`, so a serialized type gets a
//! compile error at the field, and any other type compiles to nothing.
//!
//! The choice is made where the derive's impl is type-checked: for a generic type it sees only
//! the bounds written on the impl, so a `Serialize` that depends on a type parameter is not seen.

use std::marker::PhantomData;

use serde::Serialize;

/// The type whose field is checked, as a zero-sized probe.
pub struct LeftOut<T: ?Sized>(PhantomData<T>);

impl<T: ?Sized> LeftOut<T> {
    /// The probe for `T`.
    pub const PROBE: Self = Self(PhantomData);
}

/// The result when the type serializes: the left-out field is in the body.
pub struct Shown;

/// The result when the type does not serialize: nothing is shown, nothing to check.
pub struct Hidden;

/// Chosen first, when `T: Serialize`.
pub trait ShownIfSerialize {
    /// What the field is.
    #[inline(always)]
    fn shown(&self) -> Shown {
        Shown
    }
}

impl<T: Serialize + ?Sized> ShownIfSerialize for LeftOut<T> {}

/// The fallback, for types that do not serialize.
pub trait NotShown {
    /// What the field is.
    #[inline(always)]
    fn shown(&self) -> Hidden {
        Hidden
    }
}

impl<T: ?Sized> NotShown for &LeftOut<T> {}

/// Holds for a field that is left out of the tag and not shown in the body.
#[diagnostic::on_unimplemented(
    message = "this field is left out of the entity tag but serialized into the body: a change to it would not change the tag, so caches whose `If-None-Match` still matches keep serving the old body",
    label = "left out of the tag, but shown",
    note = "if the field is the resource's identity, which the URL already names, mark it `#[etag(id)]`: it stays out of the tag and may be shown",
    note = "if the body does not show it, add `#[serde(skip)]` (or `#[serde(skip_serializing)]`)",
    note = "otherwise it is part of the state a client sees: leave it in the tag"
)]
pub trait NotShownInTheBody {
    /// The check itself, called as `NotShownInTheBody::left_out_field(…)`: compiles only for
    /// `Hidden`, and its error names this trait alone (a function bounded on the trait would add
    /// a note pointing here).
    #[inline(always)]
    fn left_out_field(self)
    where
        Self: Sized,
    {
    }
}

// Not recommended, so the error does not point at this impl as the alternative.
#[diagnostic::do_not_recommend]
impl NotShownInTheBody for Hidden {}
