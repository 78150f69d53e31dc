//! Revokes a leaf certificate of a Cloud PKI certification authority by its serial number.
//!
//! ```text
//! GRAPH_TOKEN=eyJ0... cargo run -p integration-tests --example revoke_leaf_certificate -- \
//!     [--base-url URL] CA_ID SERIAL_NUMBER
//! ```
//!
//! The bearer token comes from the environment variable `GRAPH_TOKEN` (an access token for
//! Microsoft Graph with `DeviceManagementConfiguration.ReadWrite.All`); `--base-url` sends the
//! request somewhere other than the global service, such as a national cloud
//! (`https://graph.microsoft.us`) or a local test server. On success it prints the revoked
//! certificate's serial number, status and revocation time.
//!
//! Exit status: 0 when the certificate was revoked, 1 when the service or the network said no,
//! 2 for a usage error (bad arguments, no token).

use std::process::ExitCode;

use graph_beta_cloudpki::client::{Client, ClientError, TokenSource};
use graph_beta_cloudpki::ids::CloudCertificationAuthorityId;
use graph_beta_cloudpki::odata::Cloud;
use graph_beta_cloudpki::operations::device_management::cloud_certification_authority as ca;

const USAGE: &str = "usage: revoke_leaf_certificate [--base-url URL] CA_ID SERIAL_NUMBER

Revokes the leaf certificate with serial number SERIAL_NUMBER issued by the Cloud PKI
certification authority CA_ID. The bearer token is read from the environment variable GRAPH_TOKEN.

options:
  --base-url URL   the service root without the version (default: https://graph.microsoft.com)
  -h, --help       print this help";

/// The parsed command line.
#[derive(Debug)]
struct Args {
    base_url: Option<String>,
    ca_id: String,
    serial_number: String,
}

/// Reads the arguments (without the program name); `Ok(None)` when help was asked for.
fn parse_args(args: impl IntoIterator<Item = String>) -> Result<Option<Args>, String> {
    let mut base_url = None;
    let mut positional = Vec::new();
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-h" | "--help" => return Ok(None),
            "--base-url" => {
                let url = args.next().ok_or("--base-url needs a URL")?;
                base_url = Some(url);
            }
            "--" => positional.extend(args.by_ref()),
            _ => {
                if let Some(url) = arg.strip_prefix("--base-url=") {
                    base_url = Some(url.to_owned());
                } else if arg.starts_with('-') && arg.len() > 1 {
                    return Err(format!("unknown option `{arg}`"));
                } else {
                    positional.push(arg);
                }
            }
        }
    }
    if base_url.as_deref().is_some_and(|url| url.trim().is_empty()) {
        return Err("--base-url needs a URL".to_owned());
    }
    let [ca_id, serial_number]: [String; 2] = positional
        .try_into()
        .map_err(|given: Vec<String>| format!("expected CA_ID and SERIAL_NUMBER, got {} argument(s)", given.len()))?;
    if ca_id.trim().is_empty() {
        return Err("CA_ID is empty".to_owned());
    }
    if serial_number.trim().is_empty() {
        return Err("SERIAL_NUMBER is empty".to_owned());
    }
    Ok(Some(Args { base_url, ca_id, serial_number }))
}

fn usage_error(message: &str) -> ExitCode {
    eprintln!("error: {message}\n\n{USAGE}");
    ExitCode::from(2)
}

/// Prints a failed call with what a support request needs: status and request id.
fn report(error: &ClientError) {
    eprintln!("error: could not revoke the certificate: {error}");
    if let Some(status) = error.status() {
        eprintln!("  status:     {status}");
    }
    if let Some(request_id) = error.request_id() {
        eprintln!("  request-id: {request_id}");
    }
    if matches!(error.status().map(|s| s.as_u16()), Some(401 | 403)) {
        eprintln!("  hint: check that GRAPH_TOKEN is a current token for this cloud with the right permissions");
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(Some(args)) => args,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => return usage_error(&message),
    };
    let token = match std::env::var("GRAPH_TOKEN") {
        Ok(token) if !token.trim().is_empty() => token.trim().to_owned(),
        Ok(_) => return usage_error("the environment variable GRAPH_TOKEN is empty"),
        Err(std::env::VarError::NotPresent) => {
            return usage_error("set the environment variable GRAPH_TOKEN to a bearer token");
        }
        Err(std::env::VarError::NotUnicode(_)) => return usage_error("GRAPH_TOKEN is not valid UTF-8"),
    };
    let cloud = args.base_url.map_or(Cloud::Global, Cloud::Custom);

    let client = match Client::new(cloud, TokenSource::fixed(token)) {
        Ok(client) => client,
        Err(error) => return usage_error(&error.to_string()),
    };
    let operation = ca::RevokeLeafCertificateBySerialNumber::new(
        CloudCertificationAuthorityId::new(args.ca_id),
        args.serial_number.clone(),
    );
    let leaf = match client.send(&operation).await {
        Ok(leaf) => leaf,
        Err(error) => {
            report(&error);
            return ExitCode::FAILURE;
        }
    };

    let serial = leaf.serial_number.unwrap_or(args.serial_number);
    let status = leaf.certificate_status.map_or_else(|| "(not returned)".to_owned(), |s| s.as_str().to_owned());
    let revoked_at =
        leaf.revocation_date_time.as_option().map_or_else(|| "(not returned)".to_owned(), |time| time.to_rfc3339());
    println!("serial number:   {serial}");
    println!("status:          {status}");
    println!("revocation time: {revoked_at}");
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::parse_args;

    fn parse(args: &[&str]) -> Result<Option<super::Args>, String> {
        parse_args(args.iter().map(|a| a.to_string()))
    }

    #[test]
    fn arguments() {
        let args = parse(&["ca-1", "0A1B"]).unwrap().unwrap();
        assert_eq!((args.base_url, args.ca_id.as_str(), args.serial_number.as_str()), (None, "ca-1", "0A1B"));
        for form in
            [&["--base-url", "http://127.0.0.1:1", "ca", "s"][..], &["ca", "--base-url=http://127.0.0.1:1", "s"]]
        {
            assert_eq!(parse(form).unwrap().unwrap().base_url.as_deref(), Some("http://127.0.0.1:1"));
        }
        assert_eq!(parse(&["--", "-ca", "s"]).unwrap().unwrap().ca_id, "-ca");
        assert!(parse(&["--help"]).unwrap().is_none());
        for bad in
            [&[][..], &["ca"], &["ca", "s", "x"], &["--base-url"], &["--bogus", "ca", "s"], &["", "s"], &["ca", " "]]
        {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
    }
}
