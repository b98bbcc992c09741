//! What the window needs from a Linux desktop before GTK starts: a display to open, and a choice of
//! how WebKitGTK paints the page.

use std::ffi::OsString;
use std::path::Path;

/// WebKitGTK's switch between painting with Skia on the CPU and on the GPU (its default).
const CPU_PAINTING: &str = "WEBKIT_SKIA_ENABLE_CPU_RENDERING";

/// Called first in `main`, while the process has one thread (the environment is not thread-safe).
pub fn prepare() {
    if !has_display(|k| std::env::var_os(k)) {
        // GTK would panic deep inside Tauri's start-up; the user gets a sentence instead.
        eprintln!(
            "keyden-app: no display to open a window on (neither DISPLAY nor WAYLAND_DISPLAY is set).\n  \
             hint: start Keyden from a desktop session; the `keyden` command-line tool needs none"
        );
        std::process::exit(1);
    }
    if paint_on_cpu(std::env::var_os(CPU_PAINTING).is_some(), Path::new("/dev/dri")) {
        // The web process inherits it: WebKit reads it there, when it sets up painting.
        std::env::set_var(CPU_PAINTING, "1");
    }
}

/// A display GTK can open: X11, Wayland, or a backend the user chose explicitly (GDK_BACKEND, e.g.
/// broadway).
fn has_display(var: impl Fn(&str) -> Option<OsString>) -> bool {
    ["DISPLAY", "WAYLAND_DISPLAY", "GDK_BACKEND"].iter().any(|k| var(k).is_some_and(|v| !v.is_empty()))
}

/// Whether to paint on the CPU: when there is no GPU to paint with, and the user has not chosen.
///
/// Without a DRM render node (virtual machines, remote desktops, Xvfb) WebKit's GL is Mesa's llvmpipe,
/// a GPU emulated on the CPU: Skia's GPU painting then compiles shaders with LLVM and rasterises through
/// the emulation. Measured here (`scripts/startup-bench.sh`, one build with and without), painting on
/// the CPU directly put the key list on screen sooner and left the idle process tree ~48 MiB smaller
/// (PSS). With a real GPU, WebKit's default stays.
fn paint_on_cpu(user_chose: bool, dri: &Path) -> bool {
    !user_chose && !has_render_node(dri)
}

fn has_render_node(dri: &Path) -> bool {
    std::fs::read_dir(dri)
        .map(|entries| entries.flatten().any(|e| e.file_name().to_string_lossy().starts_with("renderD")))
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paints_on_the_cpu_only_without_a_render_node_and_when_the_user_has_not_chosen() {
        let dri = tempfile::tempdir().unwrap();
        assert!(paint_on_cpu(false, &dri.path().join("absent")), "no /dev/dri at all");
        std::fs::write(dri.path().join("card0"), "").unwrap();
        assert!(paint_on_cpu(false, dri.path()), "a display controller alone renders nothing");
        std::fs::write(dri.path().join("renderD128"), "").unwrap();
        assert!(!paint_on_cpu(false, dri.path()), "a render node: WebKit's GPU painting stays");
        assert!(!paint_on_cpu(true, &dri.path().join("absent")), "the user's own setting stays");
    }

    #[test]
    fn a_display_is_x11_wayland_or_a_chosen_gdk_backend() {
        let only = |name: &'static str, value: &'static str| move |k: &str| (k == name).then(|| OsString::from(value));
        assert!(has_display(only("DISPLAY", ":0")));
        assert!(has_display(only("WAYLAND_DISPLAY", "wayland-0")));
        assert!(has_display(only("GDK_BACKEND", "broadway")));
        assert!(!has_display(only("DISPLAY", "")), "an empty DISPLAY opens nothing");
        assert!(!has_display(|_: &str| None));
    }
}
