//! `models`: a struct per entity and complex type, an open enum per enum type, an alias per
//! type definition.

use super::naming::{camel, snake, unique};
use super::{Context, deprecated, doc_alias, doc_lines, docs, ident};
use crate::edm::{EnumType, Primitive, TypeId, TypeKind, TypeTarget};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// Field names the generator uses itself in every model struct, and the names of methods every
/// model has (derived or blanket traits): a setter of that name would shadow `x.clone()` or
/// `T::default()`, so such a property gets a trailing underscore (`default_`).
const RESERVED_FIELDS: &[&str] = &[
    "odata_type",
    "odata_etag",
    "additional_properties",
    "borrow",
    "borrow_mut",
    "clone",
    "clone_from",
    "clone_into",
    "default",
    "deserialize",
    "eq",
    "fmt",
    "from",
    "into",
    "ne",
    "serialize",
    "to_owned",
    "try_from",
    "try_into",
    "type_id",
];

/// The file's inner documentation.
pub(super) fn header() -> TokenStream {
    quote! {
        //! Models: one struct per entity and complex type, one enum per enum type.
        //!
        //! Every property is optional, so responses shaped by `$select` decode. Properties the
        //! schema marks nullable are [`crate::odata::Nullable`], so a PATCH body can say "leave
        //! unchanged" (absent) and "set to null" apart. Properties this crate does not know are
        //! kept in `additional_properties` and written back unchanged.
        //!
        //! Models are `#[non_exhaustive]`, so a property added by a later schema is not a
        //! breaking change: build them with `default()` and the chainable setters, one per
        //! property (`Model::default().display_name("x")`), and read them by field. A setter of
        //! a nullable property takes a value or [`crate::odata::Nullable::Null`].
    }
}

/// The item (or items) for one selected type.
pub(super) fn item(context: &Context<'_>, id: TypeId) -> TokenStream {
    if context.is_any_json(id) {
        return TokenStream::new();
    }
    match &context.model.ty(id).kind {
        TypeKind::Entity(_) | TypeKind::Complex(_) => {
            let mut tokens = structured(context, id);
            if let Some(members) = context.any_members.get(&id) {
                tokens.extend(any_enum(context, id, members));
            }
            tokens
        }
        TypeKind::Enum(e) => enumeration(context, id, e),
        TypeKind::Definition(d) => {
            let ty = context.model.ty(id);
            let name = context.type_ident(id);
            let underlying = super::primitive_type(d.underlying_type);
            let doc = docs(
                &ty.annotations,
                &format!("The type definition `{}` (Edm.{}).", ty.qualified_name, d.underlying_type.name()),
            );
            quote! { #doc pub type #name = #underlying; }
        }
    }
}

/// `AnyX`: a value of type `X` or of one of its selected derived types, told apart by
/// `@odata.type` when decoded, and written with it.
fn any_enum(context: &Context<'_>, base: TypeId, members: &[TypeId]) -> TokenStream {
    let model = context.model;
    let ty = model.ty(base);
    let name = ident(&context.any_names[&base]);
    let abstract_base = model.structured(base).is_some_and(|s| s.is_abstract);
    let variants: Vec<syn::Ident> = members.iter().map(|id| context.type_ident(*id)).collect();
    let unknown =
        if variants.iter().any(|v| v == "Unknown") { format_ident!("UnknownType") } else { format_ident!("Unknown") };
    let structs: Vec<syn::Ident> = members.iter().map(|id| context.type_ident(*id)).collect();
    let qualified: Vec<&str> = members.iter().map(|id| model.ty(*id).qualified_name.as_str()).collect();
    let variant_docs = members.iter().map(|id| {
        let text = if *id == base {
            format!("A `{}` itself: no `@odata.type`, or this one.", ty.qualified_name)
        } else {
            format!("A `{}`.", model.ty(*id).qualified_name)
        };
        doc_lines(&[text])
    });
    let arms = members.iter().zip(&variants).map(|(id, variant)| {
        let names = context.wire_type_names(*id);
        let absent = if *id == base { quote!(::std::option::Option::None |) } else { quote!() };
        quote! {
            #absent ::std::option::Option::Some(#(#names)|*) => {
                crate::odata::from_object(object).map(|value| Self::#variant(::std::boxed::Box::new(value)))
            }
        }
    });
    let serialize_arms = members.iter().zip(&variants).map(|(id, variant)| {
        if *id == base {
            // At a place typed with the base, its own values need no `@odata.type`.
            quote!(Self::#variant(value) => value.serialize(serializer),)
        } else {
            let tag = format!("#{}", model.ty(*id).qualified_name);
            quote!(Self::#variant(value) => crate::odata::serialize_as(value.as_ref(), #tag, serializer),)
        }
    });
    let doc = doc_lines(&[
        format!("A `{}` value of any of the types this crate has for it: decoded by `@odata.type`", ty.qualified_name),
        format!(
            "(none means `{}`{}), written with it.",
            ty.qualified_name,
            if abstract_base { ", which is abstract: `Unknown`" } else { "" }
        ),
        String::new(),
        "A type the crate does not have (a later schema's, or one left out of the selection) is kept".to_owned(),
        format!("as JSON in [`{name}::{unknown}`] and written back unchanged."),
    ]);
    let unknown_doc = doc_lines(&[format!(
        "A type derived from `{}` that this crate does not have: its JSON, unchanged.",
        ty.qualified_name
    )]);
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum #name {
            #( #variant_docs #variants(::std::boxed::Box<#structs>), )*
            #unknown_doc
            #unknown(::serde_json::Map<::std::string::String, ::serde_json::Value>),
        }

        impl #name {
            /// The qualified name of the value's type (for an unknown one, its `@odata.type`).
            pub fn odata_type(&self) -> ::std::option::Option<&str> {
                match self {
                    #( Self::#variants(_) => ::std::option::Option::Some(#qualified), )*
                    Self::#unknown(object) => crate::odata::odata_type_of(object),
                }
            }
        }

        #(
            impl ::std::convert::From<#structs> for #name {
                fn from(value: #structs) -> Self {
                    Self::#variants(::std::boxed::Box::new(value))
                }
            }
        )*

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                match self {
                    #(#serialize_arms)*
                    Self::#unknown(object) => object.serialize(serializer),
                }
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let object = <::serde_json::Map<::std::string::String, ::serde_json::Value> as ::serde::Deserialize>::deserialize(deserializer)?;
                match crate::odata::odata_type_of(&object) {
                    #(#arms)*
                    _ => ::std::result::Result::Ok(Self::#unknown(object)),
                }
            }
        }
    }
}

/// The navigation properties of a model that are generated: those whose target is too (for
/// `$expand`).
fn generated_navigations<'m>(context: &Context<'m>, id: TypeId) -> Vec<(TypeId, &'m crate::edm::NavigationProperty)> {
    context
        .model
        .all_navigation_properties(id)
        .into_iter()
        .filter(|(_, n)| matches!(n.ty.target, TypeTarget::Named(t) if context.selected.contains(&t)))
        .collect()
}

/// The Rust field name of each property and generated navigation property of a model, by wire
/// name (also the names of the `filter` module's functions).
pub(super) fn field_names(context: &Context<'_>, id: TypeId) -> std::collections::BTreeMap<String, String> {
    let properties = context.model.all_properties(id);
    let navigations = generated_navigations(context, id);
    let wire_names =
        properties.iter().map(|(_, p)| p.name.as_str()).chain(navigations.iter().map(|(_, n)| n.name.as_str()));
    unique(wire_names, snake, RESERVED_FIELDS)
}

fn structured(context: &Context<'_>, id: TypeId) -> TokenStream {
    let model = context.model;
    let ty = model.ty(id);
    let name = context.type_ident(id);
    let kind = if matches!(ty.kind, TypeKind::Entity(_)) { "entity type" } else { "complex type" };
    let doc = docs(&ty.annotations, &format!("The {kind} `{}`.", ty.qualified_name));
    let alias = doc_alias(&context.type_names[&id], &ty.name);
    let doc = quote!(#doc #alias);
    let properties = model.all_properties(id);
    let navigations = generated_navigations(context, id);
    let names = field_names(context, id);
    // Each field with its setter: (field tokens, setter tokens).
    let mut fields = Vec::new();
    let mut setters = Vec::new();
    for (owner, p) in &properties {
        let field = ident(&names[&p.name]);
        let wire = &p.name;
        let type_name = model.type_ref_name(&p.ty);
        let inherited = if *owner == id {
            String::new()
        } else {
            format!(", inherited from `{}`", model.ty(*owner).qualified_name)
        };
        let doc = docs(&p.annotations, &format!("The `{wire}` property ({type_name}{inherited})."));
        let alias = doc_alias(&names[&p.name], wire);
        let doc = quote!(#doc #alias);
        let deprecation = deprecated(&p.annotations);
        let mut item = context.item_type(&p.ty);
        // An `Any…` enum boxes its variants already.
        let polymorphic = matches!(p.ty.target, TypeTarget::Named(t) if context.any_members.contains_key(&t));
        if !p.ty.collection && !polymorphic && recursive(context, &p.ty.target, id) {
            item = quote!(::std::boxed::Box<#item>);
        }
        let value = if p.ty.collection { quote!(::std::vec::Vec<#item>) } else { item };
        // Int64 decodes from numbers and from IEEE754Compatible strings, and is written as the
        // crate's IEEE754_COMPATIBLE says.
        let int64 = context.is_int64(&p.ty);
        let with = |helper: &str| {
            if int64 {
                let path = format!("crate::odata::int64::{helper}");
                quote!(, deserialize_with = #path, serialize_with = "crate::odata::int64::serialize")
            } else {
                quote!()
            }
        };
        if p.nullable && !p.ty.collection {
            let with = with("nullable");
            fields.push(quote! {
                #doc
                #[serde(rename = #wire, default, skip_serializing_if = "crate::odata::Nullable::is_absent" #with)]
                pub #field: crate::odata::Nullable<#value>,
            });
            let doc = doc_lines(&[format!("Sets `{wire}` to a value, or to `Nullable::Null` to clear it.")]);
            setters.push(quote! {
                #doc
                #deprecation
                pub fn #field(mut self, value: impl ::std::convert::Into<crate::odata::Nullable<#value>>) -> Self {
                    self.#field = value.into();
                    self
                }
            });
        } else {
            let with = with(if p.ty.collection { "option_vec" } else { "option" });
            fields.push(quote! {
                #doc
                #[serde(rename = #wire, default, skip_serializing_if = "::std::option::Option::is_none" #with)]
                pub #field: ::std::option::Option<#value>,
            });
            let setter = setter(&field, wire, &value);
            setters.push(quote!(#deprecation #setter));
        }
    }
    for (_, n) in &navigations {
        let field = ident(&names[&n.name]);
        let wire = &n.name;
        let doc = docs(
            &n.annotations,
            &format!("The `{wire}` navigation property ({}), present when expanded.", model.type_ref_name(&n.ty)),
        );
        let alias = doc_alias(&names[&n.name], wire);
        let item = context.item_type(&n.ty);
        let value = if n.ty.collection { quote!(::std::vec::Vec<#item>) } else { quote!(::std::boxed::Box<#item>) };
        fields.push(quote! {
            #doc
            #alias
            #[serde(rename = #wire, default, skip_serializing_if = "::std::option::Option::is_none")]
            pub #field: ::std::option::Option<#value>,
        });
        setters.push(setter(&field, wire, &value));
    }
    let odata_type_setter = setter(&format_ident!("odata_type"), "@odata.type", &quote!(::std::string::String));
    // Entities carry their version: `@odata.etag`, or the `ETag` header of a single-entity
    // response; pass it to `if_match` to update or delete only that version.
    let (etag_field, etag_setter) = if matches!(ty.kind, TypeKind::Entity(_)) {
        (
            quote! {
                /// The entity's ETag (`@odata.etag`, or the response's `ETag` header), for
                /// `if_match` on an update, a delete or a bound operation.
                #[serde(rename = "@odata.etag", default, skip_serializing_if = "::std::option::Option::is_none")]
                pub odata_etag: ::std::option::Option<::std::string::String>,
            },
            setter(&format_ident!("odata_etag"), "@odata.etag", &quote!(::std::string::String)),
        )
    } else {
        (quote!(), quote!())
    };
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Default, ::serde::Serialize, ::serde::Deserialize)]
        #[non_exhaustive]
        pub struct #name {
            /// The `@odata.type` annotation: the concrete type of the instance, such as
            /// `#microsoft.graph.user`.
            #[serde(rename = "@odata.type", default, skip_serializing_if = "::std::option::Option::is_none")]
            pub odata_type: ::std::option::Option<::std::string::String>,
            #etag_field
            #(#fields)*
            /// Properties and annotations this crate does not know, kept so that they are
            /// written back unchanged.
            #[serde(flatten)]
            pub additional_properties: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
        }

        impl #name {
            #odata_type_setter
            #etag_setter
            #(#setters)*
        }
    }
}

/// The setter of an optional (not nullable) field.
fn setter(field: &syn::Ident, wire: &str, value: &TokenStream) -> TokenStream {
    let doc = doc_lines(&[format!("Sets `{wire}`.")]);
    quote! {
        #doc
        pub fn #field(mut self, value: impl ::std::convert::Into<#value>) -> Self {
            self.#field = ::std::option::Option::Some(value.into());
            self
        }
    }
}

/// Whether a single-valued property of type `target` in `owner` makes the struct infinitely
/// large: `target` reaches `owner` through single-valued structural properties.
fn recursive(context: &Context<'_>, target: &TypeTarget, owner: TypeId) -> bool {
    let TypeTarget::Named(start) = target else { return false };
    let mut stack = vec![*start];
    let mut seen = std::collections::BTreeSet::new();
    while let Some(current) = stack.pop() {
        if current == owner {
            return true;
        }
        if !seen.insert(current) || !context.selected.contains(&current) {
            continue;
        }
        for (_, p) in context.model.all_properties(current) {
            if let (TypeTarget::Named(next), false) = (&p.ty.target, p.ty.collection) {
                stack.push(*next);
            }
        }
    }
    false
}

fn enumeration(context: &Context<'_>, id: TypeId, e: &EnumType) -> TokenStream {
    let ty = context.model.ty(id);
    let name = context.type_ident(id);
    let flags = if e.is_flags { " Flags: properties hold several members, written comma-separated." } else { "" };
    let doc = docs(&ty.annotations, &format!("The enum type `{}`.{flags}", ty.qualified_name));
    let names = unique(e.members.iter().map(|m| m.name.as_str()), camel, &["Unrecognized"]);
    let variants: Vec<syn::Ident> = e.members.iter().map(|m| ident(&names[&m.name])).collect();
    let wires: Vec<&str> = e.members.iter().map(|m| m.name.as_str()).collect();
    let values: Vec<i64> = e.members.iter().map(|m| m.value).collect();
    let variant_docs = e.members.iter().map(|m| docs(&m.annotations, &format!("`{}` (value {}).", m.name, m.value)));
    let unrecognized = format_ident!("Unrecognized");
    let value_doc = doc_lines(&[format!(
        "The member's numeric value (Edm.{}), or `None` for a member this crate does not know.",
        match e.underlying_type {
            Primitive::Byte | Primitive::SByte | Primitive::Int16 | Primitive::Int32 | Primitive::Int64 =>
                e.underlying_type.name(),
            _ => "Int32",
        }
    )]);
    quote! {
        #doc
        ///
        /// The enum is open: a member the service adds later decodes into `Unrecognized` with
        /// its name and is written back unchanged. It is `#[non_exhaustive]`, so a member added
        /// by a later schema is not a breaking change.
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum #name {
            #(
                #variant_docs
                #variants,
            )*
            /// A member this crate does not know yet, kept exactly as the service sent it.
            #unrecognized(::std::string::String),
        }

        impl #name {
            /// The member's name as the service writes it.
            pub fn as_str(&self) -> &str {
                match self {
                    #(Self::#variants => #wires,)*
                    Self::#unrecognized(name) => name,
                }
            }

            #value_doc
            pub fn value(&self) -> ::std::option::Option<i64> {
                match self {
                    #(Self::#variants => ::std::option::Option::Some(#values),)*
                    Self::#unrecognized(_) => ::std::option::Option::None,
                }
            }
        }

        impl ::std::str::FromStr for #name {
            type Err = ::std::convert::Infallible;

            // Not `Self::Err`: an enum member named `Err` would make it ambiguous.
            fn from_str(name: &str) -> ::std::result::Result<Self, ::std::convert::Infallible> {
                ::std::result::Result::Ok(match name {
                    #(#wires => Self::#variants,)*
                    other => Self::#unrecognized(other.to_owned()),
                })
            }
        }

        impl ::std::convert::AsRef<str> for #name {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let name = <::std::borrow::Cow<'de, str> as ::serde::Deserialize>::deserialize(deserializer)?;
                ::std::result::Result::Ok(match name.parse() {
                    ::std::result::Result::Ok(member) => member,
                    ::std::result::Result::Err(never) => match never {},
                })
            }
        }
    }
}
