//! The real server: `fencheng serve --port 0` says where it listens, answers the page and
//! the API over a socket (a plain HTTP/1.1 client on std::net), and stops cleanly on
//! SIGTERM.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// The server process, stopped whatever happens to the test.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// One request, `Connection: close`; returns the status line's code and the body (as text).
fn request(port: u16, method: &str, path: &str, body: &str) -> (u16, String) {
    let (code, raw) = request_bytes(port, method, path, body);
    (code, String::from_utf8_lossy(&raw).to_string())
}

/// The same, the body as bytes.
fn request_bytes(port: u16, method: &str, path: &str, body: &str) -> (u16, Vec<u8>) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(120))).unwrap();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let code = String::from_utf8_lossy(&raw[9..12]).parse().unwrap();
    let start = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map_or(raw.len(), |p| p + 4);
    (code, raw[start..].to_vec())
}

#[test]
fn serve_listens_answers_and_stops_on_sigterm() {
    let child = Command::new(env!("CARGO_BIN_EXE_fencheng"))
        .args(["serve", "--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut server = Server(child);
    let mut line = String::new();
    BufReader::new(server.0.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let port: u16 = line
        .trim()
        .strip_prefix("listening on http://127.0.0.1:")
        .and_then(|p| p.strip_suffix('/'))
        .unwrap_or_else(|| panic!("unexpected first line: {line:?}"))
        .parse()
        .unwrap();
    let (code, page) = request(port, "GET", "/", "");
    assert_eq!(code, 200, "{page}");
    assert!(
        page.contains("<html") || page.contains("<!DOCTYPE"),
        "{page}"
    );
    // every embedded file of the page is served under /assets/
    for (path, bytes) in fencheng::serve::assets::FILES {
        let (code, body) = request_bytes(port, "GET", &format!("/assets/{path}"), "");
        assert_eq!(code, 200, "/assets/{path}");
        assert_eq!(&body[..], *bytes, "/assets/{path}");
    }
    let (code, meta) = request(port, "GET", "/api/v1/meta", "");
    assert_eq!(code, 200);
    assert!(meta.contains("\"reform-2022-2030\""), "{meta}");
    let (code, err) = request(port, "POST", "/api/v1/evaluate", "{\"regime\": 1}");
    assert_eq!(code, 400, "{err}");
    assert!(err.contains("\"field\":\"regime\""), "{err}");
    // SIGTERM: a clean stop, exit 0
    // SAFETY: sending a signal to our own child process.
    unsafe {
        libc::kill(server.0.id() as i32, libc::SIGTERM);
    }
    let status = server.0.wait().unwrap();
    assert!(status.success(), "stopped with {status}");
    let mut err = String::new();
    server
        .0
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert!(err.contains("stopped"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}
