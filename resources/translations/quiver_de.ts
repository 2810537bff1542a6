<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE" sourcelanguage="en">
<context>
    <name>EtaEstimate</name>
    <message>
        <source>about %1 s left</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>about %n min left</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>about %n h left</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ImportProgressText</name>
    <message>
        <source>Looking for files…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 of %2 files · %3 of %4 · %5 passages</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stopped: the database connection was lost (%1). Import again to resume.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancelled. What was imported stays; import again to resume.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Import finished.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 imported, %2 unchanged, %3 skipped, %4 failed; %5 passages</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 moved to the trash (their files are gone).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing removed under %1: %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n document(s) of &quot;%1&quot; not removed until you confirm: %2.</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
</context>
<context>
    <name>QObject</name>
    <message>
        <source>%1 h</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 min</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unknown</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Documents in the trash</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Documents in the library</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Removed documents, when and why; select some to restore them</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Collections and their documents; select documents to show them in their folder or delete them</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The library could not be read</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The documents could not be moved to the trash</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The documents could not be restored</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The trash could not be emptied</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The passages around this one could not be read: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reading passages…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Laying out passages…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Naming the groups…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Map ready</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The map could not be drawn: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Laying out %n passage(s)…</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
</context>
<context>
    <name>quiver::AboutDialog</name>
    <message>
        <source>About Quiver</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Version %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Semantic search over your documents, backed by PostgreSQL.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Built with Qt %1, running on Qt %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Licensed under the MIT licence.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>quiver::BackgroundWorker</name>
    <message>
        <source>The background worker could not start a thread: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The background worker did not stop within %1 s: a database call has not returned. It will finish on its own once the call does.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>quiver::ConnectionDialog</name>
    <message>
        <source>disable — no encryption</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>allow — encrypt only if the server insists</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>prefer — encrypt when the server supports it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>require — always encrypt, trust any certificate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>verify-ca — encrypt and check the certificate authority</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>verify-full — encrypt, check the authority and the host name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Database Connection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connected: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Where should Quiver keep your library?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Private database on this computer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quiver keeps its own PostgreSQL database in %1. Nothing to set up: it starts and stops with Quiver and only this computer can reach it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PostgreSQL server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Share one library between computers, or use a server that is backed up. Needs PostgreSQL 13 or newer; no extension is required.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>db.example.com</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Port:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>default: ~/.postgresql/root.crt</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Test connection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel test</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Host</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The name or address of the PostgreSQL server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Database</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>User</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Root certificate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The certificate authority&apos;s certificate that the server&apos;s certificate is checked against; empty for the default</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose the root certificate file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Whether the connection is encrypted and how the server&apos;s certificate is checked</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Host:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Database:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;User:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pass&amp;word:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Encryption:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Root certificate:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save and connect</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a root certificate is given</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the server is on another computer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the server is on this computer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>automatic — %1, since %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>stored in the keychain</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>leave empty if the server needs none</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter the server&apos;s host name or address.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A host name cannot contain spaces.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter the name of the database, e.g. quiver.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter the user name to log in with.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot read the certificate file %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Root Certificate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Certificates (*.crt *.pem *.cer);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Testing the connection…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not read the password from the keychain: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Test cancelled.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not store the password in the keychain: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not write the settings file %1.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>quiver::DatabaseStatusWidget</name>
    <message>
        <source>Connection settings…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose the database Quiver uses, or fix the connection to it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connected to %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connecting to %1…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connecting… %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>schema %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>quiver::DropOverlay</name>
    <message>
        <source>Drop files or folders to import them</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>quiver::EmbeddingsPage</name>
    <message>
        <source>Embedding profiles</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The services that turn passages into embeddings; the default one embeds new passages</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Add…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Edit…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Remove</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Make &amp;default</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Test</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A&amp;pprove address…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Let the stored API key go to the profile&apos;s current address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Embed new passages with the selected profile</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Embed a sample text with the selected profile to check it works</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The API key of %1 is stored in the keychain.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The API key of %1 may now be sent to %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 works: %2 dimensions in %3 ms.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading the profiles…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saving %1…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Removing %1…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Approving %1 for %2…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Testing %1…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>quiver::ImportStatusWidget</name>
    <message>
        <source>Import progress</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop the import; what was imported stays</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel the import</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Importing…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Importing: looking for files…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Importing %1 of %2 files</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Import stopped: the database connection was lost</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Import cancelled: %n file(s) imported</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Imported %1 of %n file(s); %2 failed (see Library)</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Imported %n file(s)</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Import failed: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>quiver::IndexStatusWidget</name>
    <message>
        <source>Search index progress</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search index: %1%</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>quiver::JobDialog</name>
    <message>
        <source>Add job</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Edit job</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>profile name, e.g. local</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keep fixed slots</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>forever</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A PostgreSQL interval in English, e.g. 30 seconds or 5 minutes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Scheduled (not paused)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Procedure</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Profile</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Every</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Retries</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Retry after</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>quiver::JobsPage</name>
    <message>
        <source>Jobs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not connected to a database.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Procedure</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Profile</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Schedule</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Next run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Successes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Failures</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Embedded</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pending</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Progress</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ETA</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Job</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Worker</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Started</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Finished</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Done</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Error</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Host</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Process</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Kind</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last seen</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Errors</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last error</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chunk</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Document</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Attempts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Failed at</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Job views</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The scheduled jobs, when they run next and how their last run went</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Edit…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pause</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Resume</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Backlog</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Passages embedded and still waiting, per embedding profile</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>History</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The latest runs of the jobs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Workers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The programs embedding passages, on this and other computers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Failed chunks</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Passages whose embedding failed, with the error; they can be retried</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Retry selected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Retry all</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chunks embedded per minute</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>minutes ago</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Throughput</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chunks embedded per minute over the last 30 minutes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>every %1%2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>, fixed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>paused</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 chunks/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No embedding job.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 of %2 chunks embedded, %3 waiting, %4 chunks/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 s ago</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>quiver::LibraryModel</name>
    <message numerus="yes">
        <source>%1 (%n document(s))</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Collection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Title</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Type</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pages</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Passages</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Embedded</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Imported</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>quiver::LibraryPage</name>
    <message>
        <source>Library</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Trash</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Documents removed from the library, kept to be restored</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Documents</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Files imported into the library</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Passages</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pieces of text that search looks at</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Embeddings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Passages with a computed embedding</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Waiting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Passages still waiting for their embedding</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your library is empty</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Drop files or folders here to add them to your library</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Filter by title or path</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Filter documents</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show in Folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open the folder that holds the selected document</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Move the selected documents to the trash</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Restore</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Put the selected documents back, with their embeddings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Empty Trash…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Import results</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What the import did with each file</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n document(s) in your library</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>The import could not start: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not restored: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Trash (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n document(s) removed from the library. They are kept with their passages and embeddings for %1 days after their removal, then deleted.</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>The trash is empty.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Looking for files…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete documents</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Move %n document(s) to the trash? Their passages and embeddings go with them and can be restored from the Trash for %1 days; the files stay on disk.</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Move to Trash</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Empty the trash</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Delete the %n document(s) in the trash for good, with their passages and embeddings? This cannot be undone; the files on disk are not touched.</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Empty Trash</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>quiver::MainWindow</name>
    <message>
        <source>Job &quot;%1&quot; %2: %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pages</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Library</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Jobs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (Ctrl+%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Connection…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose the database Quiver uses</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Import Files…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add files to the library</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Import &amp;Folder…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add a folder and everything in it to the library</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Watch Folder…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Import a folder and keep its collection in step with it while Quiver runs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;About Quiver</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Find…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search your documents</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Go</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connect to a database before importing (File › Connection…)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Import Files</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Import Folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Watch Folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing was removed under %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>; </source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Move documents to the trash?</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n document(s) of the collection &quot;%1&quot; have no file any more in %2.</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>, </source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Quiver removed nothing. Move them to the trash? They can be restored from the Library&apos;s Trash for %n day(s).</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Move to Trash</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose the page to show: Library, Search, Map or Jobs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Map</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>quiver::MapPage</name>
    <message>
        <source>Map</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Colour by group</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Colour by collection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Colour the passages by</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Redraw</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Redraw the map</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reads the passages again and lays them out anew (F5)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Draw the map again from the library as it is now (F5)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Drawing the map</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop drawing the map</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No map yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connect to a database to see its passages laid out.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Drawing the map was cancelled. Redraw (F5) starts again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Drawing the map…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing to map yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The map shows passages once they are embedded. Import documents (drop them on the window) and wait for the embeddings.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The map could not be drawn</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>A sample of %1 of the %2 passages embedded by %3, in %n group(s).</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 passages embedded by %2, in %n group(s).</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>The library has changed since: Redraw (F5) shows it as it is now.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hover over a dot to read it, click to see it in context.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%1 of the %n result(s) for “%2” are on the map, lit.</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Colour by document</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Group: passages that lie together share a colour. Collection or document: each has its own colour</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>quiver::MapView</name>
    <message>
        <source>Collection map</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Passages that talk about the same things lie together. Wheel or + and - zoom, drag pans, 0 shows the whole map, Enter opens the passage under the pointer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1, page %2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>quiver::OriginApprovalBox</name>
    <message>
        <source>Approve a new address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send the API key of profile %1 to %2?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This machine has not approved that address for the key. The database is shared: anyone who can write to it can change a profile&apos;s address. Approve only if you changed it yourself, or know who did and why.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Approve</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>quiver::PassageActions</name>
    <message>
        <source>No application could open %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No application could show the folder %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>quiver::ProfileEditorDialog</name>
    <message>
        <source>Add embedding profile</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Edit embedding profile</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>model&apos;s own</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no limit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>stored — type a new key to replace it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>paste the API key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>stored</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>none</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Kind:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Base URL:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Model:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Dimensions:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>B&amp;atch size:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Requests in flight:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Requests/minute:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tokens/minute:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>API &amp;key:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keychain:</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>quiver::ProfileListModel</name>
    <message>
        <source>The key is not sent to %1 until you approve that address (approved: %2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>none</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The key is sent only to %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>model&apos;s own</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>not needed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>stored, new address not approved</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>stored</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>default</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Kind</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dimensions</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>API key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Default</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>quiver::SearchFilterBar</name>
    <message>
        <source>All collections</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search one collection only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Collection filter</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All types</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search one kind of document only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Document type filter</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Imported any time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Imported today</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Imported in the last 7 days</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Imported in the last 30 days</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Imported in the last year</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search documents imported recently only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Import date filter</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Filter:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PDF</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Word document</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PowerPoint presentation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>OpenDocument text</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>OpenDocument presentation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>EPUB book</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Web page</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Web page (XHTML)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Markdown</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Plain text</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CSV</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>JSON</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>quiver::SearchPage</name>
    <message>
        <source>Search</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search your documents</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ctrl+K or Ctrl+F from anywhere; Down moves to the results, Esc clears</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hybrid</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Meaning</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keywords</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hybrid combines search by meaning with search by keywords</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search mode</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connecting to the database…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search results</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Passages that match the search, best first; Enter opens the document</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Copy Text</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;More Like This</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show in &amp;Folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ask in your own words; Quiver finds the passages that mean the same thing. Search becomes available once a database is open.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Building the search index: %1 (%2%)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Building the search index</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quiver is reading your passages&apos; embeddings into its index (%1%). Search starts as soon as it is done; this happens once.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Type a question or a few words. Enter opens the selected passage&apos;s file; Ctrl+C copies it; Ctrl+M finds passages like it; Esc clears.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search is not available</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1
Check the connection in File › Connection…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Type a question or a few words. Enter opens the selected passage&apos;s file; Ctrl+C copies it; Ctrl+M finds passages like it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Searching…</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n passage(s)</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source> in %n document(s)</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>No passages match</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing matches “%1”. Try other words, fewer words, or another mode.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing matches “%1” within the filters. Try other words, or widen the filters.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Finding passages like “%1”…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>quiver::SearchPreview</name>
    <message>
        <source>Passage in context</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open the document (at the passage&apos;s page where the viewer can)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy the passage&apos;s text</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show in Folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open the folder that holds the document</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No passage selected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> · page %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This passage is no longer in the library (it was re-imported or deleted); search again to see its current text.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>quiver::SearchResultsModel</name>
    <message>
        <source>Best match</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Good match</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Partial match</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Weak match</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>page %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>matched: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>keyword rank %1 (BM25 %2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>similar meaning: %1 (rank %2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>score %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Show %n more passage(s) from this document</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Enter or double-click shows them</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n more passage(s) from %1</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>%1, %2: %3</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>quiver::SearchService</name>
    <message>
        <source>Opening the database…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>quiver::SearchWorker</name>
    <message>
        <source>Keyword search; meaning-based search joins when its index is built (%1%)</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n passage(s) indexed</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source> · exact search</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> · measured recall@10 %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> · recall not measured yet (quiver-cli index verify)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Opening the database…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keyword search only: no passage has an embedding yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keyword search only: no embedding model is set up for %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keyword search only: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the index build was cancelled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search is not available: the database is not open.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search is not available.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>quiver::SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Database connection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Connection…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Embeddings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open a database to manage its embedding profiles.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>quiver::TrashModel</name>
    <message>
        <source>Title</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Collection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Passages</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Embeddings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Removed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Why</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>quiver::WorkerStatusWidget</name>
    <message>
        <source>Retry</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start the background embedding again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Approve…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Let the profile&apos;s API key go to its new address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Embedding: starting again…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Embedded %1 passages</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>, %1 failed (see Jobs)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>it could not work</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Background embedding stopped: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
