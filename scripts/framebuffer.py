"""What is on an Xvfb screen, read from the framebuffer file Xvfb keeps with `-fbdir DIR`.

Start-up is measured to the moment the content's own pixels are on screen, not to when the page
says it painted: a page's animation frame can fire while the window is still blank. Reading the
memory-mapped framebuffer costs no X round trip, so polling it every few ms barely loads the machine.

  python3 scripts/framebuffer.py wait DIR RRGGBB MIN_PIXELS TIMEOUT_S   exit 0 once seen, 1 if not
  python3 scripts/framebuffer.py count DIR RRGGBB                     prints how many pixels
"""
import os
import struct
import sys
import time


class Framebuffer:
    def __init__(self, fbdir, screen=0):
        self.path = os.path.join(fbdir, f"Xvfb_screen{screen}")

    def pixels(self):
        """The screen's pixel rows as bytes (32 bits per pixel, least significant byte first: B G R A)."""
        with open(self.path, "rb") as f:
            head = f.read(100)
            # XWDFileHeader: big-endian CARD32s. The pixels follow the header and its colormap.
            (header_size, _version, _format, depth, width, height, _xoff, byte_order, _unit, _bit_order,
             _pad, bpp, bytes_per_line, *_rest) = struct.unpack(">25I", head)
            ncolors = struct.unpack(">I", head[76:80])[0]
            if bpp != 32 or byte_order != 0 or depth != 24:
                raise SystemExit(f"framebuffer: expected a 24-bit LSB-first screen, got depth {depth}, {bpp} bpp")
            f.seek(header_size + ncolors * 12)
            return f.read(bytes_per_line * height)

    def count(self, rgb):
        """How many pixels have exactly this colour ("dcfce7")."""
        r, g, b = bytes.fromhex(rgb)
        px = self.pixels()
        # The fourth byte is 0 where the server drew, 0xff where a window with an alpha visual
        # (GTK's, so WebKit's) did.
        return px.count(bytes((b, g, r, 0))) + px.count(bytes((b, g, r, 0xFF)))

    def wait(self, rgb, min_pixels, timeout, interval=0.005):
        """Seconds (time.time()) at which at least `min_pixels` of `rgb` were first seen, or None."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.count(rgb) >= min_pixels:
                return time.time()
            time.sleep(interval)
        return None

    def wait_clear(self, colours, timeout, interval=0.005):
        """True once no colour of `colours` is on screen (fewer than 100 pixels each), False if one
        still is after `timeout` seconds. A window whose process has exited can stay on screen for a
        moment (the X server closes the client's connection, and repaints, on its own time): the next
        launch of an app drawing the same colour would be seen "on screen" before it drew anything."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            if all(self.count(c) < 100 for c in colours):
                return True
            time.sleep(interval)
        return False


if __name__ == "__main__":
    cmd, fbdir, rgb = sys.argv[1], sys.argv[2], sys.argv[3]
    fb = Framebuffer(fbdir)
    if cmd == "count":
        print(fb.count(rgb))
    elif cmd == "wait":
        seen = fb.wait(rgb, int(sys.argv[4]), float(sys.argv[5]))
        sys.exit(0 if seen else 1)
    else:
        raise SystemExit(__doc__)
