/* Wine 8 ships no bcryptprimitives.dll, and Rust's std (1.78 and later) imports ProcessPrng from it
 * on Windows: without this shim every Rust .exe fails to start under Wine (exit 53). ProcessPrng
 * fills a buffer from the system's CSPRNG; RtlGenRandom (advapi32's SystemFunction036) does the same.
 * Built with mingw by scripts/windows.sh and copied into the test prefix's system32; real Windows has
 * its own. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length) {
    while (length > 0) {
        ULONG chunk = length > 0x10000000 ? 0x10000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk)) {
            return FALSE;
        }
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
