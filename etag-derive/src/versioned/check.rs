//! Decides whether the attributes make sense together and, if they do, what the tag is made of.
//! Every problem is recorded in the `Ctxt`, so one compile shows them all.

use syn::Ident;

use super::ast::{Body, Container, Field};
use super::attr::describe;
use super::symbol::{ID, INCLUDE, LAST_MODIFIED, SKIP, VERSION};
use crate::ctxt::Ctxt;

/// What the generated impl computes.
pub(crate) struct Plan<'c> {
    pub(crate) weak: bool,
    pub(crate) shape: Shape<'c>,
}

pub(crate) enum Shape<'c> {
    Struct(Part<'c>),
    Enum(Vec<(&'c Ident, Part<'c>)>),
}

/// The validators of a struct, or of one enum variant.
pub(crate) struct Part<'c> {
    pub(crate) tag: TagSource<'c>,
    pub(crate) last_modified: Option<&'c Field<'c>>,
    /// Fields left out of a hashed tag that serde may still write into the body: the expansion
    /// makes each one a compile error if the type is `Serialize` (see `left_out_but_shown`).
    pub(crate) left_out: Vec<&'c Field<'c>>,
}

pub(crate) enum TagSource<'c> {
    /// `#[etag(version)]`: the tag is the version alone.
    Version(&'c Field<'c>),
    /// The canonical hash of these fields, in declaration order.
    Hashed(Vec<&'c Field<'c>>),
}

/// How a type chooses its fields.
#[derive(Clone, Copy, PartialEq)]
enum Selection {
    /// Every field but the `skip`ped ones (also when no field is marked at all).
    AllBut,
    /// Only the `include`d fields.
    Only,
}

pub(crate) fn check<'c>(cx: &mut Ctxt, container: &'c Container<'c>) -> Option<Plan<'c>> {
    if let Body::Union(union_token) = &container.body {
        cx.error_spanned_by(
            union_token,
            "`Versioned` cannot be derived for a union: which field is live is unknown, so \
             there is no state to hash; use a struct or an enum, or implement `Versioned` by hand",
        );
        return None;
    }
    for field in container.all_fields() {
        check_combinations(cx, field);
    }
    let weak = container.attrs.weak.is_some();
    let shape = match &container.body {
        Body::Struct(fields) => {
            let selection = check_selection_style(cx, fields, "struct");
            let shown = !container.serde_into;
            let part = part(cx, fields, selection, true, shown);
            if let TagSource::Hashed(hashed) = &part.tag
                && hashed.is_empty()
            {
                nothing_selected(cx, &container.input.ident, fields);
            }
            Shape::Struct(part)
        }
        Body::Enum(variants) => Shape::Enum(
            variants
                .iter()
                .map(|variant| {
                    // Each variant chooses its own style: `include` on a field of one variant
                    // says nothing about the fields of another, which keep every field not
                    // skipped (and so keep tracking their data).
                    let selection = check_selection_style(cx, &variant.fields, "variant");
                    let shown = !container.serde_into && !variant.serde_skipped;
                    (
                        variant.ident,
                        part(cx, &variant.fields, selection, false, shown),
                    )
                })
                .collect(),
        ),
        Body::Union(_) => return None,
    };
    let parts: Vec<&Part<'c>> = match &shape {
        Shape::Struct(part) => vec![part],
        Shape::Enum(variants) => variants.iter().map(|(_, part)| part).collect(),
    };
    for part in parts {
        if let TagSource::Hashed(fields) = &part.tag {
            for field in fields {
                check_hash_set(cx, field);
            }
        }
    }
    Some(Plan { weak, shape })
}

/// A `HashSet` serializes its elements in an order that changes from process to process (its
/// hasher is randomly seeded), so the same set would give a different tag in every replica and
/// after every restart. Sets are sequences in the canonical encoding, so nothing can sort them
/// afterwards; the type has to. This sees the written type, nested sets included; a field whose
/// type is an alias of a set is refused by etag-core's probe instead (`ViaUnordered`), and a set
/// behind an alias inside another type is out of both's sight.
fn check_hash_set(cx: &mut Ctxt, field: &Field<'_>) {
    let ty = field.ty;
    // `with` is the escape hatch: the function's result is hashed, not the set.
    if !field.attrs.with_written && mentions_ident(quote::quote!(#ty), "HashSet") {
        cx.error_spanned_by(
            ty,
            format!(
                "{} cannot be hashed as it is: a `HashSet` iterates in a different order in \
                 every process, so the same value would get a different tag on every replica and \
                 after every restart; hash it sorted with \
                 `#[etag(with = etag_core::canonical::sorted)]`, or use a `BTreeSet`",
                describe(&field.member)
            ),
        );
    }
}

/// Whether `name` appears as an identifier anywhere in `tokens`, inside generics included.
fn mentions_ident(tokens: proc_macro2::TokenStream, name: &str) -> bool {
    tokens.into_iter().any(|token| match token {
        proc_macro2::TokenTree::Ident(ident) => ident == name,
        proc_macro2::TokenTree::Group(group) => mentions_ident(group.stream(), name),
        proc_macro2::TokenTree::Punct(_) | proc_macro2::TokenTree::Literal(_) => false,
    })
}

/// One field takes one role: skipped, the identity, included, the version, or the modification
/// time; `with` only goes with a role that hashes the field.
fn check_combinations(cx: &mut Ctxt, field: &Field<'_>) {
    let present = field.attrs.present();
    if let Some((with, _)) = &field.attrs.with {
        for (key, _) in present.iter().filter(|(key, _)| *key != INCLUDE) {
            cx.error_spanned_by(
                with,
                format!(
                    "`with` cannot be combined with `{key}`: `with` says how a field is hashed \
                     into the tag, and {}",
                    if *key == VERSION {
                        "the version field is not hashed (the tag is the version itself)"
                    } else {
                        "this field is not hashed at all"
                    }
                ),
            );
        }
    }
    for (index, (later, path)) in present.iter().enumerate() {
        for (earlier, _) in &present[..index] {
            cx.error_spanned_by(
                path,
                format!(
                    "`{later}` cannot be combined with `{earlier}` on one field: {}",
                    why_exclusive(earlier, later)
                ),
            );
        }
    }
}

fn why_exclusive(earlier: &str, later: &str) -> &'static str {
    let pair = |a, b| (earlier == a && later == b) || (earlier == b && later == a);
    if pair(SKIP, INCLUDE) {
        "a field is either skipped or included"
    } else if pair(SKIP, VERSION) {
        "the version field is the whole tag, it cannot also be skipped"
    } else if pair(INCLUDE, VERSION) {
        "the version field is the whole tag; `include` is not needed"
    } else if pair(VERSION, LAST_MODIFIED) {
        "a field cannot be both the version and the modification time"
    } else if pair(ID, SKIP) {
        "`id` already leaves the field out of the tag (and lets the body show it); `skip` is \
         for fields the body does not show"
    } else if pair(ID, INCLUDE) {
        "the identity is left out of the tag, an `include`d field is part of it"
    } else if pair(ID, VERSION) {
        "the version field is the whole tag, and the identity is not part of it"
    } else if pair(ID, LAST_MODIFIED) {
        "a field cannot be both the identity and the modification time"
    } else {
        // `last_modified` with `skip` or `include`.
        "the `last_modified` field is reported as the modification time and never hashed into \
         the tag, so it takes neither `skip` nor `include`"
    }
}

/// Whether a field carries more than one role (reported by `check_combinations`).
fn has_conflict(field: &Field<'_>) -> bool {
    field.attrs.present().len() > 1
}

/// `skip` and `include` are two ways to say the same thing; one struct, or one enum variant
/// (`owner`), uses one of them.
fn check_selection_style(cx: &mut Ctxt, fields: &[Field<'_>], owner: &str) -> Selection {
    let mut style: Option<(&'static str, &Field<'_>)> = None;
    // Fields with conflicting keys are reported once, by `check_combinations`.
    for field in fields.iter().filter(|f| !has_conflict(f)) {
        for (key, path) in [(SKIP, &field.attrs.skip), (INCLUDE, &field.attrs.include)] {
            let Some(path) = path else { continue };
            match style {
                None => style = Some((key, field)),
                Some((chosen, first)) if chosen != key => cx.error_spanned_by(
                    path,
                    format!(
                        "cannot mix `{key}` and `{chosen}` in one {owner}: {} already uses \
                         `{chosen}`; {}",
                        describe(&first.member),
                        if chosen == INCLUDE {
                            "with `include`, fields without it are left out of the tag already"
                        } else {
                            "with `skip`, every other field is part of the tag already"
                        }
                    ),
                ),
                Some(_) => {}
            }
        }
    }
    match style {
        Some((INCLUDE, _)) => Selection::Only,
        _ => Selection::AllBut,
    }
}

/// `shown`: whether serde may write these fields at all (not inside a `#[serde(skip)]` variant
/// or a `#[serde(into = "…")]` type).
fn part<'c>(
    cx: &mut Ctxt,
    fields: &'c [Field<'c>],
    selection: Selection,
    is_struct: bool,
    shown: bool,
) -> Part<'c> {
    let version = single(cx, fields, |field| &field.attrs.version, VERSION);
    let last_modified = single(
        cx,
        fields,
        |field| &field.attrs.last_modified,
        LAST_MODIFIED,
    );
    if let Some(version_field) = version {
        if !is_struct {
            for field in fields.iter().filter(|f| f.attrs.version.is_some()) {
                cx.error_spanned_by(
                    &field.attrs.version,
                    "`version` is supported on structs only: in an enum the variant is part of \
                     the state, and a version number alone would not show it",
                );
            }
        } else {
            // With `skip` chosen, every `include` is already reported as mixing the styles.
            if selection == Selection::Only {
                for field in fields.iter().filter(|f| !has_conflict(f)) {
                    if let Some(include) = &field.attrs.include {
                        cx.error_spanned_by(
                            include,
                            format!(
                                "`include` cannot be used next to `#[etag(version)]`: the tag \
                                 comes from the version ({}) alone",
                                describe(&version_field.member)
                            ),
                        );
                    }
                }
            }
            // The version moves on every write, so whatever else the body shows is covered.
            return Part {
                tag: TagSource::Version(version_field),
                last_modified,
                left_out: Vec::new(),
            };
        }
    }
    let is_hashed = |field: &Field<'_>| {
        let attrs = &field.attrs;
        match selection {
            Selection::Only => attrs.include.is_some(),
            Selection::AllBut => {
                attrs.skip.is_none()
                    && attrs.id.is_none()
                    && attrs.last_modified.is_none()
                    && attrs.version.is_none()
            }
        }
    };
    let hashed = fields.iter().filter(|field| is_hashed(field)).collect();
    // With `include` chosen, `with` on a field left out says how to hash what is not hashed.
    if selection == Selection::Only {
        for field in fields.iter().filter(|f| !is_hashed(f) && !has_conflict(f)) {
            if let (Some((with, _)), []) = (&field.attrs.with, field.attrs.present()) {
                cx.error_spanned_by(
                    with,
                    format!(
                        "`with` on a field that is not part of the tag: the other fields of this \
                         type are `#[etag(include)]`d, so add `include` to {} as well",
                        describe(&field.member)
                    ),
                );
            }
        }
    }
    // A field out of the tag may be shown if it is the identity (the URL names it) or the
    // modification time (it changes with every write, and `Last-Modified` shows it anyway).
    let left_out = fields
        .iter()
        .filter(|field| {
            shown
                && !is_hashed(field)
                && !field.serde_skipped
                && !has_conflict(field)
                && field.attrs.id.is_none()
                && field.attrs.last_modified.is_none()
                // A stray `version` in an enum is reported on its own.
                && field.attrs.version.is_none()
        })
        .collect();
    Part {
        tag: TagSource::Hashed(hashed),
        last_modified,
        left_out,
    }
}

/// The one field carrying `key`, reporting every extra one.
fn single<'c>(
    cx: &mut Ctxt,
    fields: &'c [Field<'c>],
    key_of: impl Fn(&'c Field<'c>) -> &'c Option<syn::Path>,
    key: &str,
) -> Option<&'c Field<'c>> {
    let mut marked = fields.iter().filter(|field| key_of(field).is_some());
    let first = marked.next()?;
    for extra in marked {
        cx.error_spanned_by(
            key_of(extra),
            format!(
                "only one field can be `#[etag({key})]`; {} already is",
                describe(&first.member)
            ),
        );
    }
    Some(first)
}

fn nothing_selected(cx: &mut Ctxt, ident: &Ident, fields: &[Field<'_>]) {
    let message = if fields.is_empty() {
        format!(
            "`{ident}` has no fields, so its tag could never change: derive `Versioned` on a type \
             that holds state, or implement `Versioned` by hand"
        )
    } else if fields
        .iter()
        .any(|field| field.attrs.skip.is_some() || field.attrs.id.is_some())
    {
        format!(
            "no field of `{ident}` is part of its tag, so the tag could never change: remove \
             `#[etag(skip)]` or `#[etag(id)]` from the fields that make up its state, or mark a \
             version column with `#[etag(version)]`"
        )
    } else {
        // Nothing skipped: the only fields are the modification time (or carry conflicting
        // roles, reported on their own).
        format!(
            "no field of `{ident}` is part of its tag, so the tag could never change: the \
             `#[etag(last_modified)]` field is reported as the modification time and never \
             hashed; add the fields that make up its state, or mark a version column with \
             `#[etag(version)]`"
        )
    };
    cx.error_spanned_by(ident, message);
}
