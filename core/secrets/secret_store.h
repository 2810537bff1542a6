#pragma once

#include <QString>

#include <functional>

class QObject;

namespace quiver {

struct SecretResult {
    bool ok = false;
    bool notFound = false; // no secret under that key (a remove of a missing key is still ok)
    QString value;         // the secret, after a successful read
    QString error;         // user-facing explanation when !ok; never contains the secret
};

// Passwords and API keys in the system keychain (Secret Service, macOS Keychain, Windows
// Credential Store) through QtKeychain, under one service name. Never falls back to a plaintext
// file: without a keychain, every call fails with an explanation.
//
// All keychain work runs on one dedicated thread, so the store can be used from any thread,
// including threads without an event loop.
class SecretStore {
public:
    explicit SecretStore(QString service = QStringLiteral("Quiver"));

    // `done` runs on `context`'s thread; it is dropped if `context` is destroyed first.
    void readAsync(const QString& key, QObject* context,
                   std::function<void(const SecretResult&)> done);
    void writeAsync(const QString& key, const QString& secret, QObject* context,
                    std::function<void(const SecretResult&)> done);
    void removeAsync(const QString& key, QObject* context,
                     std::function<void(const SecretResult&)> done);

    // Blocking variants for the command line and worker threads. Do not call them on the GUI
    // thread: the keychain may wait for the user to unlock it.
    SecretResult read(const QString& key);
    SecretResult write(const QString& key, const QString& secret);
    SecretResult remove(const QString& key);

    QString service() const { return m_service; }

private:
    QString m_service;
};

} // namespace quiver
