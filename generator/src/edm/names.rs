//! Primitive types and the syntax of type names: `Edm.String`, `ns.Type`, `Collection(...)`.

/// Every type in the `Edm` namespace: the primitive types and the built-in abstract types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Primitive {
    Binary,
    Boolean,
    Byte,
    Date,
    DateTimeOffset,
    Decimal,
    Double,
    Duration,
    Guid,
    Int16,
    Int32,
    Int64,
    SByte,
    Single,
    Stream,
    String,
    TimeOfDay,
    Geography,
    GeographyPoint,
    GeographyLineString,
    GeographyPolygon,
    GeographyMultiPoint,
    GeographyMultiLineString,
    GeographyMultiPolygon,
    GeographyCollection,
    Geometry,
    GeometryPoint,
    GeometryLineString,
    GeometryPolygon,
    GeometryMultiPoint,
    GeometryMultiLineString,
    GeometryMultiPolygon,
    GeometryCollection,
    /// Any JSON value.
    Untyped,
    /// Abstract: any primitive type.
    PrimitiveType,
    /// Abstract: any entity type.
    EntityType,
    /// Abstract: any complex type.
    ComplexType,
    AnnotationPath,
    PropertyPath,
    NavigationPropertyPath,
    AnyPropertyPath,
    ModelElementPath,
}

impl Primitive {
    pub const ALL: [Primitive; 42] = {
        use Primitive::*;
        [
            Binary,
            Boolean,
            Byte,
            Date,
            DateTimeOffset,
            Decimal,
            Double,
            Duration,
            Guid,
            Int16,
            Int32,
            Int64,
            SByte,
            Single,
            Stream,
            String,
            TimeOfDay,
            Geography,
            GeographyPoint,
            GeographyLineString,
            GeographyPolygon,
            GeographyMultiPoint,
            GeographyMultiLineString,
            GeographyMultiPolygon,
            GeographyCollection,
            Geometry,
            GeometryPoint,
            GeometryLineString,
            GeometryPolygon,
            GeometryMultiPoint,
            GeometryMultiLineString,
            GeometryMultiPolygon,
            GeometryCollection,
            Untyped,
            PrimitiveType,
            EntityType,
            ComplexType,
            AnnotationPath,
            PropertyPath,
            NavigationPropertyPath,
            AnyPropertyPath,
            ModelElementPath,
        ]
    };

    /// The name after `Edm.`.
    pub fn name(self) -> &'static str {
        use Primitive::*;
        match self {
            Binary => "Binary",
            Boolean => "Boolean",
            Byte => "Byte",
            Date => "Date",
            DateTimeOffset => "DateTimeOffset",
            Decimal => "Decimal",
            Double => "Double",
            Duration => "Duration",
            Guid => "Guid",
            Int16 => "Int16",
            Int32 => "Int32",
            Int64 => "Int64",
            SByte => "SByte",
            Single => "Single",
            Stream => "Stream",
            String => "String",
            TimeOfDay => "TimeOfDay",
            Geography => "Geography",
            GeographyPoint => "GeographyPoint",
            GeographyLineString => "GeographyLineString",
            GeographyPolygon => "GeographyPolygon",
            GeographyMultiPoint => "GeographyMultiPoint",
            GeographyMultiLineString => "GeographyMultiLineString",
            GeographyMultiPolygon => "GeographyMultiPolygon",
            GeographyCollection => "GeographyCollection",
            Geometry => "Geometry",
            GeometryPoint => "GeometryPoint",
            GeometryLineString => "GeometryLineString",
            GeometryPolygon => "GeometryPolygon",
            GeometryMultiPoint => "GeometryMultiPoint",
            GeometryMultiLineString => "GeometryMultiLineString",
            GeometryMultiPolygon => "GeometryMultiPolygon",
            GeometryCollection => "GeometryCollection",
            Untyped => "Untyped",
            PrimitiveType => "PrimitiveType",
            EntityType => "EntityType",
            ComplexType => "ComplexType",
            AnnotationPath => "AnnotationPath",
            PropertyPath => "PropertyPath",
            NavigationPropertyPath => "NavigationPropertyPath",
            AnyPropertyPath => "AnyPropertyPath",
            ModelElementPath => "ModelElementPath",
        }
    }

    /// By a `match`, which compiles to a dispatch on the length: this runs for every type
    /// reference of a document.
    pub fn from_name(name: &str) -> Option<Primitive> {
        use Primitive::*;
        Some(match name {
            "Binary" => Binary,
            "Boolean" => Boolean,
            "Byte" => Byte,
            "Date" => Date,
            "DateTimeOffset" => DateTimeOffset,
            "Decimal" => Decimal,
            "Double" => Double,
            "Duration" => Duration,
            "Guid" => Guid,
            "Int16" => Int16,
            "Int32" => Int32,
            "Int64" => Int64,
            "SByte" => SByte,
            "Single" => Single,
            "Stream" => Stream,
            "String" => String,
            "TimeOfDay" => TimeOfDay,
            "Geography" => Geography,
            "GeographyPoint" => GeographyPoint,
            "GeographyLineString" => GeographyLineString,
            "GeographyPolygon" => GeographyPolygon,
            "GeographyMultiPoint" => GeographyMultiPoint,
            "GeographyMultiLineString" => GeographyMultiLineString,
            "GeographyMultiPolygon" => GeographyMultiPolygon,
            "GeographyCollection" => GeographyCollection,
            "Geometry" => Geometry,
            "GeometryPoint" => GeometryPoint,
            "GeometryLineString" => GeometryLineString,
            "GeometryPolygon" => GeometryPolygon,
            "GeometryMultiPoint" => GeometryMultiPoint,
            "GeometryMultiLineString" => GeometryMultiLineString,
            "GeometryMultiPolygon" => GeometryMultiPolygon,
            "GeometryCollection" => GeometryCollection,
            "Untyped" => Untyped,
            "PrimitiveType" => PrimitiveType,
            "EntityType" => EntityType,
            "ComplexType" => ComplexType,
            "AnnotationPath" => AnnotationPath,
            "PropertyPath" => PropertyPath,
            "NavigationPropertyPath" => NavigationPropertyPath,
            "AnyPropertyPath" => AnyPropertyPath,
            "ModelElementPath" => ModelElementPath,
            _ => return None,
        })
    }

    /// The integer types an enum may have as `UnderlyingType`, with their value range.
    pub fn integer_range(self) -> Option<(i64, i64)> {
        match self {
            Primitive::Byte => Some((0, 255)),
            Primitive::SByte => Some((-128, 127)),
            Primitive::Int16 => Some((i16::MIN.into(), i16::MAX.into())),
            Primitive::Int32 => Some((i32::MIN.into(), i32::MAX.into())),
            Primitive::Int64 => Some((i64::MIN, i64::MAX)),
            _ => None,
        }
    }

    /// Abstract built-in types cannot be the underlying type of a type definition.
    pub fn is_abstract(self) -> bool {
        matches!(
            self,
            Primitive::PrimitiveType
                | Primitive::EntityType
                | Primitive::ComplexType
                | Primitive::Untyped
                | Primitive::AnnotationPath
                | Primitive::PropertyPath
                | Primitive::NavigationPropertyPath
                | Primitive::AnyPropertyPath
                | Primitive::ModelElementPath
        )
    }
}

/// A type name as written, split into its parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TypeName<'s> {
    /// The qualifier: a namespace or an alias (`graph`, `microsoft.graph`, `Edm`).
    pub qualifier: &'s str,
    pub name: &'s str,
    pub collection: bool,
    /// Byte offset of the qualifier inside the attribute value (after `Collection(`).
    pub offset: usize,
}

/// Why a type name could not be split.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeNameError {
    MalformedCollection(&'static str),
    Unqualified,
}

/// Splits `Collection(ns.Type)` / `ns.Type` at the last dot.
pub fn parse_type_name(text: &str) -> Result<TypeName<'_>, TypeNameError> {
    const COLLECTION: &str = "Collection(";
    let (inner, collection, offset) = match text.strip_prefix(COLLECTION) {
        Some(rest) => {
            let Some(inner) = rest.strip_suffix(')') else {
                return Err(TypeNameError::MalformedCollection(if rest.contains(')') {
                    "text follows the closing `)`"
                } else {
                    "`Collection(` has no closing `)`"
                }));
            };
            if inner.trim().is_empty() {
                return Err(TypeNameError::MalformedCollection("the collection names no item type"));
            }
            if inner.starts_with(COLLECTION) {
                return Err(TypeNameError::MalformedCollection("collections of collections are not allowed"));
            }
            (inner, true, COLLECTION.len())
        }
        None => (text, false, 0),
    };
    // One pass over the bytes for the last dot and any parenthesis: this runs for every type
    // reference of a document.
    let mut last_dot = None;
    let mut parenthesis = false;
    for (at, byte) in inner.bytes().enumerate() {
        match byte {
            b'.' => last_dot = Some(at),
            b'(' | b')' => parenthesis = true,
            _ => {}
        }
    }
    if parenthesis && !collection {
        return Err(TypeNameError::MalformedCollection("parentheses are only allowed as `Collection(...)`"));
    }
    match last_dot {
        Some(dot) if dot > 0 && dot + 1 < inner.len() => {
            Ok(TypeName { qualifier: &inner[..dot], name: &inner[dot + 1..], collection, offset })
        }
        _ => Err(TypeNameError::Unqualified),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_type_names() {
        let t = parse_type_name("Collection(microsoft.graph.user)").unwrap();
        assert_eq!((t.qualifier, t.name, t.collection, t.offset), ("microsoft.graph", "user", true, 11));
        let t = parse_type_name("self.alert").unwrap();
        assert_eq!((t.qualifier, t.name, t.collection), ("self", "alert", false));
        assert_eq!(parse_type_name("string"), Err(TypeNameError::Unqualified));
        assert!(matches!(parse_type_name("Collection(Edm.String"), Err(TypeNameError::MalformedCollection(_))));
        assert!(matches!(parse_type_name("Collection()"), Err(TypeNameError::MalformedCollection(_))));
        assert!(matches!(
            parse_type_name("Collection(Collection(Edm.Int32))"),
            Err(TypeNameError::MalformedCollection(_))
        ));
        assert!(matches!(parse_type_name("Collection(Edm.String)x"), Err(TypeNameError::MalformedCollection(_))));
    }

    #[test]
    fn every_primitive_round_trips_its_name() {
        for p in Primitive::ALL {
            assert_eq!(Primitive::from_name(p.name()), Some(p));
        }
        assert_eq!(Primitive::from_name("Strin"), None);
    }
}
