//! The serde-free path of the canonical encoding: [`Encode`] writes a value's bytes straight into
//! the sink, without serde's visitor machinery. It writes exactly the bytes the serde path writes
//! for the same value (the proptests check it), so which path a field takes never changes a tag.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::rc::Rc;
use std::sync::Arc;

use super::encoder::{
    write_float, write_signed, write_signed_128, write_signed_prefixed, write_string,
    write_unsigned, write_unsigned_prefixed,
};
use super::map::SortedEntries;
use super::marker;
use super::sink::{Sink, write_leb128};

/// A value that writes its canonical encoding directly, without going through `serde`.
///
/// Implemented for the integer types, `bool`, `char`, `f32`/`f64`, `str`/`String`, `()`,
/// `Option`, `Vec`/`VecDeque`/slices/arrays, tuples up to eight elements, `BTreeMap`/`HashMap`,
/// `BTreeSet`, and `Box`/`Rc`/`Arc`/`Cow`/references of those, and by
/// `#[derive(Encode)]` (feature `derive`) for your own types. `#[derive(Versioned)]` uses it for every
/// field type that has it and falls back to `serde::Serialize` for the others, so a type without
/// it still works, through serde, with the same bytes.
///
/// The encoding is the one `serde::Serialize` gives the same value (the stable contract in the
/// [module docs](super)); the method is hidden because only etag-core and its derive write it.
pub trait Encode {
    #[doc(hidden)]
    fn encode<S: Sink>(&self, sink: &mut S);

    /// `prefix` (a field name's encoding, known at compile time), then the value: scalars
    /// override it to write both at once.
    #[doc(hidden)]
    #[inline(always)]
    fn encode_prefixed<S: Sink>(&self, prefix: &[u8], sink: &mut S) {
        sink.write(prefix);
        self.encode(sink);
    }
}

macro_rules! signed {
    ($($ty:ty),*) => {$(
        impl Encode for $ty {
            #[inline]
            fn encode<S: Sink>(&self, sink: &mut S) {
                write_signed(sink, i64::from(*self));
            }

            #[inline]
            fn encode_prefixed<S: Sink>(&self, prefix: &[u8], sink: &mut S) {
                write_signed_prefixed(sink, prefix, i64::from(*self));
            }
        }
    )*};
}

macro_rules! unsigned {
    ($($ty:ty),*) => {$(
        impl Encode for $ty {
            #[inline]
            fn encode<S: Sink>(&self, sink: &mut S) {
                write_unsigned(sink, u64::from(*self));
            }

            #[inline]
            fn encode_prefixed<S: Sink>(&self, prefix: &[u8], sink: &mut S) {
                write_unsigned_prefixed(sink, prefix, u64::from(*self));
            }
        }
    )*};
}

signed!(i8, i16, i32, i64);
unsigned!(u8, u16, u32, u64);

impl Encode for isize {
    #[inline]
    fn encode<S: Sink>(&self, sink: &mut S) {
        // serde writes `isize` as `i64`; every platform's `isize` fits.
        write_signed(sink, *self as i64);
    }
}

impl Encode for usize {
    #[inline]
    fn encode<S: Sink>(&self, sink: &mut S) {
        write_unsigned(sink, *self as u64);
    }
}

impl Encode for i128 {
    #[inline]
    fn encode<S: Sink>(&self, sink: &mut S) {
        write_signed_128(sink, *self);
    }
}

impl Encode for u128 {
    #[inline]
    fn encode<S: Sink>(&self, sink: &mut S) {
        sink.write_byte(marker::NON_NEGATIVE);
        write_leb128(sink, *self);
    }
}

impl Encode for bool {
    #[inline]
    fn encode<S: Sink>(&self, sink: &mut S) {
        sink.write_byte(if *self { marker::TRUE } else { marker::FALSE });
    }

    #[inline]
    fn encode_prefixed<S: Sink>(&self, prefix: &[u8], sink: &mut S) {
        sink.write_two(prefix, &[if *self { marker::TRUE } else { marker::FALSE }]);
    }
}

impl Encode for f64 {
    #[inline]
    fn encode<S: Sink>(&self, sink: &mut S) {
        write_float(sink, *self);
    }
}

impl Encode for f32 {
    #[inline]
    fn encode<S: Sink>(&self, sink: &mut S) {
        write_float(sink, f64::from(*self));
    }
}

impl Encode for char {
    #[inline]
    fn encode<S: Sink>(&self, sink: &mut S) {
        write_string(sink, self.encode_utf8(&mut [0; 4]));
    }
}

impl Encode for str {
    #[inline]
    fn encode<S: Sink>(&self, sink: &mut S) {
        write_string(sink, self);
    }

    #[inline]
    fn encode_prefixed<S: Sink>(&self, prefix: &[u8], sink: &mut S) {
        sink.write_prefixed_marked(prefix, marker::STRING, self.as_bytes());
    }
}

impl Encode for String {
    #[inline]
    fn encode<S: Sink>(&self, sink: &mut S) {
        write_string(sink, self);
    }

    #[inline]
    fn encode_prefixed<S: Sink>(&self, prefix: &[u8], sink: &mut S) {
        sink.write_prefixed_marked(prefix, marker::STRING, self.as_bytes());
    }
}

impl Encode for () {
    #[inline]
    fn encode<S: Sink>(&self, sink: &mut S) {
        sink.write_byte(marker::UNIT);
    }
}

impl<T: Encode> Encode for Option<T> {
    #[inline]
    fn encode<S: Sink>(&self, sink: &mut S) {
        self.encode_prefixed(&[], sink);
    }

    #[inline]
    fn encode_prefixed<S: Sink>(&self, prefix: &[u8], sink: &mut S) {
        match self {
            None => sink.write_two(prefix, &[marker::NONE]),
            Some(value) => {
                sink.write_two(prefix, &[marker::SOME]);
                value.encode(sink);
            }
        }
    }
}

/// A sequence: its marker, the items in order, the end marker.
#[inline]
fn sequence<'a, S: Sink, T: Encode + 'a>(sink: &mut S, items: impl IntoIterator<Item = &'a T>) {
    sink.write_byte(marker::SEQUENCE);
    for item in items {
        item.encode(sink);
    }
    sink.write_byte(marker::END);
}

impl<T: Encode> Encode for [T] {
    #[inline]
    fn encode<S: Sink>(&self, sink: &mut S) {
        sequence(sink, self);
    }
}

impl<T: Encode, const N: usize> Encode for [T; N] {
    #[inline]
    fn encode<S: Sink>(&self, sink: &mut S) {
        // serde writes arrays as tuples, which encode as sequences.
        sequence(sink, self);
    }
}

impl<T: Encode> Encode for Vec<T> {
    #[inline]
    fn encode<S: Sink>(&self, sink: &mut S) {
        sequence(sink, self);
    }
}

impl<T: Encode> Encode for VecDeque<T> {
    #[inline]
    fn encode<S: Sink>(&self, sink: &mut S) {
        sequence(sink, self);
    }
}

impl<T: Encode> Encode for BTreeSet<T> {
    #[inline]
    fn encode<S: Sink>(&self, sink: &mut S) {
        sequence(sink, self);
    }
}

macro_rules! tuple {
    ($($name:ident)+) => {
        impl<$($name: Encode),+> Encode for ($($name,)+) {
            #[inline]
            #[allow(non_snake_case)]
            fn encode<S: Sink>(&self, sink: &mut S) {
                let ($($name,)+) = self;
                sink.write_byte(marker::SEQUENCE);
                $($name.encode(sink);)+
                sink.write_byte(marker::END);
            }
        }
    };
}

tuple!(A);
tuple!(A B);
tuple!(A B C);
tuple!(A B C D);
tuple!(A B C D E);
tuple!(A B C D E F);
tuple!(A B C D E F G);
tuple!(A B C D E F G H);

/// A map: entries encoded apart, then written sorted (see `map`), as the serde path does.
fn map<'a, S: Sink, K: Encode + 'a, V: Encode + 'a>(
    sink: &mut S,
    len: usize,
    entries: impl IntoIterator<Item = (&'a K, &'a V)>,
) {
    let mut sorted = SortedEntries::new(Some(len));
    for (key, value) in entries {
        // Encoding into the scratch buffer cannot fail; the `Result`s are the serde path's.
        let _ = sorted.key(|scratch| {
            key.encode(scratch);
            Ok(())
        });
        let _ = sorted.value(|scratch| {
            value.encode(scratch);
            Ok(())
        });
    }
    let _ = sorted.write_to(sink);
}

impl<K: Encode, V: Encode> Encode for BTreeMap<K, V> {
    fn encode<S: Sink>(&self, sink: &mut S) {
        map(sink, self.len(), self);
    }
}

impl<K: Encode, V: Encode, H> Encode for HashMap<K, V, H> {
    fn encode<S: Sink>(&self, sink: &mut S) {
        map(sink, self.len(), self);
    }
}

macro_rules! transparent {
    ($($ty:ty),*) => {$(
        impl<T: Encode + ?Sized> Encode for $ty {
            #[inline]
            fn encode<S: Sink>(&self, sink: &mut S) {
                (**self).encode(sink);
            }

            #[inline]
            fn encode_prefixed<S: Sink>(&self, prefix: &[u8], sink: &mut S) {
                (**self).encode_prefixed(prefix, sink);
            }
        }
    )*};
}

transparent!(&T, &mut T, Box<T>, Rc<T>, Arc<T>);

impl<T: Encode + ToOwned + ?Sized> Encode for Cow<'_, T> {
    #[inline]
    fn encode<S: Sink>(&self, sink: &mut S) {
        (**self).encode(sink);
    }
}
