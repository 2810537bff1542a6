#pragma once

#include "core/ingest/reader_protocol.h"

namespace quiver {

// quiver-reader's side of the conversation (reader_protocol.h): says hello, then reads one
// file per request with DocumentReader and answers, until the importer closes the stream.
// Trusts nothing it is sent: a malformed request ends the process. Memory exhaustion is
// answered, then ends the process too, since the libraries' state after it is unknown.
class ReaderService {
public:
    // The magic first line of a test file; only honoured when testHooks is set (the tests'
    // QUIVER_READER_TEST_HOOKS). Followed by one of: crash, hang, allocate, probe, garbage.
    static constexpr const char* kTestHookPrefix = "QUIVER-READER-TEST-HOOK ";

    // input/output: descriptors of the stream. Returns the process's exit code.
    static int run(int input, int output, const reader::SandboxReport& sandbox, bool testHooks);
};

} // namespace quiver
