//! Base URLs: https everywhere, plain http only on loopback (the fake workspace).

use reqwest::Url;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BaseUrlError {
    #[error("{0:?} is not a URL")]
    NotAUrl(String),
    #[error("{0} uses plain http; only https is allowed, except on this machine (127.0.0.1)")]
    PlainHttp(String),
    #[error("{0} must be an http(s) URL")]
    Scheme(String),
}

pub fn check_base_url(raw: &str) -> Result<Url, BaseUrlError> {
    let mut url = Url::parse(raw.trim()).map_err(|_| BaseUrlError::NotAUrl(raw.to_string()))?;
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&url) => {}
        "http" => return Err(BaseUrlError::PlainHttp(raw.to_string())),
        _ => return Err(BaseUrlError::Scheme(raw.to_string())),
    }
    if url.host_str().is_none() {
        return Err(BaseUrlError::NotAUrl(raw.to_string()));
    }
    // A trailing slash lets `Url::join` append paths instead of replacing the last segment.
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    url.set_query(None);
    url.set_fragment(None);
    Ok(url)
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// Whether `candidate` may receive the token meant for `base`: a `next` link
/// from a hostile or broken server must not carry the token elsewhere.
pub fn same_origin(base: &Url, candidate: &Url) -> bool {
    base.scheme() == candidate.scheme()
        && base.host_str() == candidate.host_str()
        && base.port_or_known_default() == candidate.port_or_known_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_or_loopback_only() {
        assert!(check_base_url("https://api.intercom.io").is_ok());
        assert!(check_base_url("http://127.0.0.1:8080").is_ok());
        assert!(check_base_url("http://localhost:1").is_ok());
        assert!(check_base_url("http://[::1]:1").is_ok());
        assert!(matches!(
            check_base_url("http://api.intercom.io"),
            Err(BaseUrlError::PlainHttp(_))
        ));
        assert!(check_base_url("ftp://x").is_err());
        assert!(check_base_url("api.intercom.io").is_err());
        assert_eq!(
            check_base_url("https://x.io/v1?q=1").unwrap().as_str(),
            "https://x.io/v1/"
        );
    }

    #[test]
    fn origin_check() {
        let base = Url::parse("https://graph.facebook.com/").unwrap();
        assert!(same_origin(
            &base,
            &Url::parse("https://graph.facebook.com/v23.0/1/x?after=2").unwrap()
        ));
        assert!(!same_origin(
            &base,
            &Url::parse("https://evil.example/x").unwrap()
        ));
        assert!(!same_origin(
            &base,
            &Url::parse("http://graph.facebook.com/x").unwrap()
        ));
    }
}
