//! The one HTTP client a pull uses: connect and read timeouts, an honest User-Agent, a polite
//! pace (a minimum interval between requests), and retries with backoff on 429, 5xx and
//! transient network failures (`retry`). Every failure names the request (`GET <url>`), so the
//! user knows which endpoint or mirror to look at.

use super::retry;
use std::cell::Cell;
use std::time::{Duration, Instant};

/// The largest response body read (L2BEAT's summary is the biggest, a few MB).
const BODY_LIMIT: u64 = 64 * 1024 * 1024;

/// How the client talks to the servers.
#[derive(Clone, Debug)]
pub struct HttpOptions {
    /// Connect timeout, and read timeout (no data for this long while waiting for or reading
    /// a response). A whole request is also cut off after ten times this.
    pub timeout: Duration,
    /// Attempts after the first for a retryable failure.
    pub retries: u32,
    /// The least time between the starts of two requests.
    pub pace: Duration,
}

impl Default for HttpOptions {
    fn default() -> Self {
        HttpOptions {
            timeout: Duration::from_secs(30),
            retries: 4,
            pace: Duration::from_millis(250),
        }
    }
}

/// A request that failed for good.
#[derive(Debug)]
pub struct FetchError {
    pub url: String,
    /// The final HTTP status, when the server answered.
    pub status: Option<u16>,
    pub message: String,
}

impl FetchError {
    pub fn is_not_found(&self) -> bool {
        self.status == Some(404)
    }
}

impl std::fmt::Display for FetchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "GET {}: {}", self.url, self.message)
    }
}

impl std::error::Error for FetchError {}

pub struct Client {
    agent: ureq::Agent,
    options: HttpOptions,
    last_start: Cell<Option<Instant>>,
    /// Requests sent, retries included.
    pub requests: Cell<usize>,
    /// Attempts that were retried.
    pub retried: Cell<usize>,
}

/// The User-Agent: who is asking, and where to find out more.
pub fn user_agent() -> String {
    let repository = env!("CARGO_PKG_REPOSITORY");
    if repository.is_empty() {
        format!("moat/{}", env!("CARGO_PKG_VERSION"))
    } else {
        format!("moat/{} (+{repository})", env!("CARGO_PKG_VERSION"))
    }
}

impl Client {
    pub fn new(options: HttpOptions) -> Client {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_connect(Some(options.timeout))
            .timeout_per_read(Some(options.timeout))
            .timeout_per_call(Some(options.timeout.saturating_mul(10)))
            .user_agent(user_agent())
            // Statuses are judged here (retry or fail), not turned into errors by ureq.
            .http_status_as_error(false)
            .build()
            .into();
        Client {
            agent,
            options,
            last_start: Cell::new(None),
            requests: Cell::new(0),
            retried: Cell::new(0),
        }
    }

    /// GET `url` and return its body, retrying what is worth retrying; `on_wait` hears why
    /// and how long the client waits before a retry.
    pub fn get(&self, url: &str, on_wait: &dyn Fn(&str)) -> Result<String, FetchError> {
        let fail = |status, message: String| FetchError {
            url: url.to_string(),
            status,
            message,
        };
        let attempts = self.options.retries + 1;
        let mut attempt = 0;
        loop {
            self.keep_pace();
            self.requests.set(self.requests.get() + 1);
            let (status, why, retry_after) = match self.agent.get(url).call() {
                Ok(mut response) => {
                    let status = response.status();
                    if status.is_success() {
                        match response
                            .body_mut()
                            .with_config()
                            .limit(BODY_LIMIT)
                            .read_to_string()
                        {
                            Ok(body) => return Ok(body),
                            Err(e) if transient(&e) => {
                                (None, format!("reading the body failed: {e}"), None)
                            }
                            Err(e) => {
                                return Err(fail(
                                    Some(status.as_u16()),
                                    format!("reading the body failed: {e}"),
                                ));
                            }
                        }
                    } else {
                        let code = status.as_u16();
                        let why = format!(
                            "HTTP {code}{}",
                            status
                                .canonical_reason()
                                .map(|r| format!(" {r}"))
                                .unwrap_or_default()
                        );
                        if !retry::retryable_status(code) {
                            return Err(fail(Some(code), why));
                        }
                        let after = response
                            .headers()
                            .get("retry-after")
                            .and_then(|v| v.to_str().ok())
                            .and_then(|v| retry::retry_after(v, chrono::Utc::now()));
                        (Some(code), why, after)
                    }
                }
                Err(e) if transient(&e) => (None, describe(&e, &self.options), None),
                Err(e) => return Err(fail(None, describe(&e, &self.options))),
            };
            attempt += 1;
            if attempt >= attempts {
                let message = if attempts == 1 {
                    why
                } else {
                    format!("{why}; gave up after {attempts} attempts")
                };
                return Err(fail(status, message));
            }
            let wait = retry_after.unwrap_or_else(|| retry::backoff(attempt - 1));
            on_wait(&format!(
                "GET {url}: {why}; retrying in {:.1}s ({} of {} attempts left)",
                wait.as_secs_f64(),
                attempts - attempt,
                attempts
            ));
            self.retried.set(self.retried.get() + 1);
            std::thread::sleep(wait);
        }
    }

    /// Wait until at least `pace` has passed since the previous request started.
    fn keep_pace(&self) {
        if let Some(last) = self.last_start.get() {
            let since = last.elapsed();
            if since < self.options.pace {
                std::thread::sleep(self.options.pace - since);
            }
        }
        self.last_start.set(Some(Instant::now()));
    }
}

/// Failures another attempt may cure: timeouts, dropped or refused connections.
fn transient(e: &ureq::Error) -> bool {
    matches!(
        e,
        ureq::Error::Timeout(_) | ureq::Error::Io(_) | ureq::Error::ConnectionFailed
    )
}

fn describe(e: &ureq::Error, options: &HttpOptions) -> String {
    let secs = options.timeout.as_secs_f64();
    match e {
        ureq::Error::Timeout(ureq::Timeout::Connect | ureq::Timeout::Resolve) => {
            format!("timed out: no connection within {secs}s (--timeout)")
        }
        ureq::Error::Timeout(ureq::Timeout::PerCall | ureq::Timeout::Global) => format!(
            "timed out: the whole request took over {}s (ten times --timeout)",
            secs * 10.0
        ),
        ureq::Error::Timeout(_) => format!("timed out: no data for {secs}s (--timeout)"),
        other => other.to_string(),
    }
}
