//! `filter`: typed `$filter` expressions, a type per model with a function per property that
//! can be compared with a literal (primitives and enums), and the `Literal` form of each enum.

use super::{Context, doc_lines, ident};
use crate::edm::{Primitive, TypeKind, TypeRef, TypeTarget};
use proc_macro2::TokenStream;
use quote::quote;

pub(super) fn file(context: &Context<'_>) -> TokenStream {
    let mut items = Vec::new();
    for id in &context.selection.types {
        let ty = context.model.ty(*id);
        match &ty.kind {
            TypeKind::Entity(_) | TypeKind::Complex(_) if !context.is_any_json(*id) => {
                let names = super::models::field_names(context, *id);
                let functions = context.model.all_properties(*id).into_iter().filter_map(|(_, p)| {
                    let value = filterable(context, &p.ty)?;
                    let function = ident(&names[&p.name]);
                    let wire = &p.name;
                    let doc = doc_lines(&[format!("`{wire}` ({}).", context.model.type_ref_name(&p.ty))]);
                    let deprecated = super::deprecated(&p.annotations);
                    Some(quote! {
                        #doc
                        #deprecated
                        pub fn #function() -> Property<#value> {
                            Property::new(#wire)
                        }
                    })
                });
                let name = context.type_ident(*id);
                let doc = doc_lines(&[format!("The properties of `{}` in `$filter` expressions.", ty.qualified_name)]);
                items.push(quote! {
                    #doc
                    #[derive(Debug, Clone, Copy)]
                    pub struct #name;

                    impl #name {
                        #(#functions)*
                    }
                });
            }
            TypeKind::Enum(e) if !e.is_flags => {
                // OData 4.0 writes a member with its type; Graph takes the bare `'member'`.
                let name = context.type_ident(*id);
                let prefix = if context.config.service.is_graph() { "" } else { ty.qualified_name.as_str() };
                let template = format!("{prefix}'{{}}'");
                items.push(quote! {
                    impl Literal for crate::models::#name {
                        fn literal(&self) -> ::std::string::String {
                            format!(#template, self.as_ref().replace('\'', "''"))
                        }
                    }
                });
            }
            _ => {}
        }
    }
    // GUIDs are bare in expressions; `uuid` is a dependency only when the selection has one.
    let guid = if context.uses_guid() {
        quote! {
            impl Literal for ::uuid::Uuid {
                fn literal(&self) -> ::std::string::String {
                    self.to_string()
                }
            }
        }
    } else {
        quote!()
    };
    quote! {
        //! Typed `$filter` expressions: a type per model, a function per property that can be
        //! compared (primitive and enum properties), such as
        //! `filter::Model::property().eq(value).and(...)`; see [`crate::odata::filter`].
        //! Expressions convert into the `String` that operations' `filter` takes.

        pub use crate::odata::filter::{Expr, Literal, Property};

        #guid
        #(#items)*
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
