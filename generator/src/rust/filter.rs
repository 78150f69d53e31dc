//! `filter`: typed `$filter` expressions, a type per model with a function per property that
//! can be compared with a literal (primitives and enums), and the `Literal` form of each enum.

use super::layout::{Arg, Layout, type_text};
use super::{Context, deprecated_note};
use crate::edm::{Primitive, TypeId, TypeKind, TypeRef, TypeTarget};
use proc_macro2::TokenStream;
use quote::quote;

/// The head of the file: its documentation, the re-exports, and the `Literal` of GUIDs.
pub(super) fn head(context: &Context<'_>) -> String {
    const HEAD: &str = "\
//! Typed `$filter` expressions: a type per model, a function per property that can be
//! compared (primitive and enum properties), such as
//! `filter::Model::property().eq(value).and(...)`; see [`crate::odata::filter`].
//! Expressions convert into the `String` that operations' `filter` takes.
pub use crate::odata::filter::{Expr, Literal, Property};
";
    // GUIDs are bare in expressions; `uuid` is a dependency only when the selection has one.
    const GUID: &str = "\
impl Literal for ::uuid::Uuid {
    fn literal(&self) -> ::std::string::String {
        self.to_string()
    }
}
";
    if context.uses_guid() { format!("{HEAD}{GUID}") } else { HEAD.to_owned() }
}

/// The printed items of one selected type: a struct with a function per property, or the
/// `Literal` impl of an enum, printed straight from the plan.
pub(super) fn item(context: &Context<'_>, id: TypeId) -> String {
    let ty = context.model.ty(id);
    match &ty.kind {
        TypeKind::Entity(_) | TypeKind::Complex(_) if !context.is_any_json(id) => {
            let names = super::models::field_names(context, id);
            let name = &context.type_names[&id];
            let mut l = Layout::default();
            l.cbox(0);
            l.docs(&[format!("The properties of `{}` in `$filter` expressions.", ty.qualified_name)]);
            l.attr_list("derive", &[Arg::Word("Debug"), Arg::Word("Clone"), Arg::Word("Copy")]);
            l.unit_struct(name);
            l.impl_head(name);
            for (_, p) in context.model.all_properties(id) {
                let Some(value) = filterable(context, &p.ty) else { continue };
                l.docs(&[format!("`{}` ({}).", p.name, context.model.type_ref_name(&p.ty))]);
                if let Some(note) = deprecated_note(&p.annotations) {
                    l.attr_list("deprecated", &[Arg::Str("note", &note)]);
                }
                l.property_fn(&names[p.name.as_str()], &format!("Property<{}>", type_text(&value)), &p.name);
            }
            l.close_block();
            l.end();
            let mut out = String::new();
            l.print(&mut out);
            out
        }
        TypeKind::Enum(e) if !e.is_flags => {
            // OData 4.0 writes a member with its type; Graph takes the bare `'member'`.
            let prefix = if context.config.service.is_graph() { "" } else { ty.qualified_name.as_str() };
            let template = format!("{prefix}'{{}}'");
            let mut l = Layout::default();
            l.cbox(0);
            l.trait_impl_head(&[], "Literal", &format!("crate::models::{}", context.type_ident(id)));
            let receiver = |l: &mut Layout| {
                l.word("&self");
                l.trailing_comma(true);
            };
            l.fn_head_with("", "literal", receiver, "::std::string::String");
            l.tail_with(|l| l.macro_call("format", quote!(#template, self.as_ref().replace('\'', "''"))));
            l.close_block();
            l.close_block();
            l.end();
            let mut out = String::new();
            l.print(&mut out);
            out
        }
        _ => String::new(),
    }
}

/// The Rust type a property is compared with, when it has a literal form: primitives (but
/// binary, stream, spatial and untyped values) and the members of a non-flags enum.
fn filterable(context: &Context<'_>, ty: &TypeRef) -> Option<TokenStream> {
    if ty.collection {
        return None;
    }
    let primitive = match &ty.target {
        TypeTarget::Primitive(p) => *p,
        TypeTarget::Named(id) if context.selected.contains(id) => match &context.model.ty(*id).kind {
            TypeKind::Definition(d) => d.underlying_type,
            TypeKind::Enum(e) if !e.is_flags => return Some(context.item_type(ty)),
            _ => return None,
        },
        _ => return None,
    };
    use Primitive::*;
    match primitive {
        String | Boolean | Byte | SByte | Int16 | Int32 | Int64 | Single | Double | Decimal | Date | DateTimeOffset
        | TimeOfDay | Duration | Guid => Some(super::primitive_type(primitive)),
        _ => None,
    }
}
