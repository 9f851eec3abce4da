//! Wall-clock time per pipeline step, printed to stderr when `ROADMAP_AUDIT_TIMINGS` is set (for
//! benchmarking: `ROADMAP_AUDIT_TIMINGS=1 roadmap-audit … >/dev/null`). Costs one check per step otherwise.

use std::sync::{Mutex, OnceLock};
use std::time::Instant;

struct Clock {
    start: Instant,
    last: Mutex<Instant>,
}

fn clock() -> Option<&'static Clock> {
    static CLOCK: OnceLock<Option<Clock>> = OnceLock::new();
    CLOCK
        .get_or_init(|| {
            std::env::var_os("ROADMAP_AUDIT_TIMINGS").map(|_| {
                let now = Instant::now();
                Clock { start: now, last: Mutex::new(now) }
            })
        })
        .as_ref()
}

/// Starts the clock (call first thing).
pub fn start() {
    clock();
}

/// Marks the end of a step: prints how long it took since the previous mark, and since the start.
pub fn done(step: &str) {
    if let Some(c) = clock() {
        let now = Instant::now();
        let mut last = c.last.lock().unwrap_or_else(|e| e.into_inner());
        let ms = |d: std::time::Duration| d.as_secs_f64() * 1e3;
        let line = format!(
            "timing: {step:<28} {:>9.2} ms  (at {:>9.2} ms){}{}\n",
            ms(now - *last),
            ms(now - c.start),
            resident().map_or(String::new(), |mb| format!("  resident {mb:.1} MB")),
            faults().map_or(String::new(), |n| format!("  page faults {n}")),
        );
        // Diagnostics only: a closed stderr is no reason to stop an audit.
        let _ = std::io::Write::write_all(&mut std::io::stderr(), line.as_bytes());
        *last = now;
    }
}

/// Notes when something happened (on any thread), without ending a step: start-up work done elsewhere.
pub fn event(what: &str) {
    if let Some(c) = clock() {
        let line = format!("timing: ({what}: at {:.2} ms)\n", c.start.elapsed().as_secs_f64() * 1e3);
        let _ = std::io::Write::write_all(&mut std::io::stderr(), line.as_bytes());
    }
}

/// Minor page faults of the process so far (Linux: `/proc/self/stat`, field 10): each fresh page of
/// memory costs one, and on a VM a fault costs about as much as parsing a hundred bytes of YAML.
fn faults() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which is in parentheses and may hold spaces): state is field 3.
    let rest = &stat[stat.rfind(')')? + 2..];
    rest.split_whitespace().nth(7)?.parse().ok()
}

/// The process's resident memory in MB, where the system says (Linux: `/proc/self/statm`, in pages).
fn resident() -> Option<f64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: f64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096.0 / 1e6)
}
