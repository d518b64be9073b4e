/*
 * A stand-in bcryptprimitives.dll for Wine < 9 (Debian 12 ships Wine 8).
 * Go >= 1.22 calls bcryptprimitives!ProcessPrng at start-up for its random
 * source and dies without it. Only the smoke test's throwaway Wine prefix
 * gets this DLL: real Windows 10+ has the real one and never sees it.
 *
 * ProcessPrng fills the buffer from advapi32!SystemFunction036
 * (RtlGenRandom), which Wine 8 implements over the host's random source.
 * SystemFunction036 takes a ULONG length, so large requests are split.
 */
#include <windows.h>

typedef BOOLEAN (WINAPI *rtlgenrandom_fn)(PVOID, ULONG);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
    static rtlgenrandom_fn gen;
    if (gen == NULL) {
        HMODULE advapi = LoadLibraryA("advapi32.dll");
        if (advapi == NULL)
            return FALSE;
        gen = (rtlgenrandom_fn)(void *)GetProcAddress(advapi, "SystemFunction036");
        if (gen == NULL)
            return FALSE;
    }
    while (len > 0) {
        ULONG n = len > 0x40000000 ? 0x40000000 : (ULONG)len;
        if (!gen(data, n))
            return FALSE;
        data += n;
        len -= n;
    }
    return TRUE;
}

BOOL WINAPI DllMain(HINSTANCE inst, DWORD reason, LPVOID reserved)
{
    (void)inst; (void)reason; (void)reserved;
    return TRUE;
}
