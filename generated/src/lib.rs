//! Typed client for the Microsoft Graph beta Intune Cloud PKI API.
//!
//! This crate will be written entirely by `odata-codegen generate`; it is empty until the
//! code generation stage lands.
