#include "ui/library/library_model.h"

#include <QAbstractItemModelTester>
#include <QSortFilterProxyModel>
#include <QTextDocument>
#include <QtTest>

using namespace quiver;

namespace {
LibraryDocument doc(qint64 id, const QString& title, qint64 size, qint64 chunks, qint64 embedded) {
    LibraryDocument d;
    d.id = id;
    d.title = title;
    d.path = QStringLiteral("/data/%1.txt").arg(title);
    d.format = QStringLiteral("text");
    d.sizeBytes = size;
    d.chunks = chunks;
    d.embeddedChunks = embedded;
    d.importedAt = QDateTime(QDate(2026, 1, int(id)), QTime(12, 0), Qt::UTC);
    return d;
}
QList<LibraryCollection> sample() {
    return {{1,
             QStringLiteral("Papers"),
             {doc(1, QStringLiteral("Zebra notes"), 300, 4, 1),
              doc(2, QStringLiteral("apple pie"), 100, 2, 2),
              doc(3, QStringLiteral("Mango"), 200, 10, 0)}},
            {2, QStringLiteral("Inbox"), {doc(4, QStringLiteral("loose"), 50, 1, 1)}},
            {3, QStringLiteral("Empty"), {}}};
}
} // namespace

class TestLibraryModel : public QObject {
    Q_OBJECT
private slots:
    // Titles, paths and collection names come from files: tooltips show them, never render them.
    void toolTipsAreText() {
        LibraryModel model;
        LibraryDocument d = doc(1, QStringLiteral("<img src=\"/dev/zero\">"), 10, 1, 0);
        d.path = QStringLiteral("/data/<b>bold</b> & \"q\".txt");
        model.setLibrary({{1, QStringLiteral("<i>Coll</i>"), {d}}});
        const QString collectionTip =
            model.index(0, LibraryModel::Title).data(Qt::ToolTipRole).toString();
        const QString documentTip =
            model.index(0, LibraryModel::Title, model.index(0, 0)).data(Qt::ToolTipRole).toString();
        QVERIFY2(collectionTip.contains(QLatin1String("&lt;i&gt;Coll&lt;/i&gt;")),
                 qPrintable(collectionTip));
        QVERIFY2(documentTip.contains(
                     QLatin1String("/data/&lt;b&gt;bold&lt;/b&gt; &amp; &quot;q&quot;.txt")),
                 qPrintable(documentTip));
        // Shown as a rich text document, the tooltip reads as the path itself.
        QTextDocument shown;
        shown.setHtml(documentTip);
        QCOMPARE(shown.toPlainText(), d.path);
    }
    void structureAndData() {
        LibraryModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setLibrary(sample());
        QCOMPARE(model.rowCount(), 3);
        const QModelIndex papers = model.index(0, 0);
        QCOMPARE(model.rowCount(papers), 3);
        QCOMPARE(model.rowCount(model.index(2, 0)), 0);
        QCOMPARE(model.documentCount(), 4);
        const QModelIndex zebra = model.index(0, LibraryModel::Title, papers);
        QCOMPARE(zebra.data().toString(), QStringLiteral("Zebra notes"));
        QCOMPARE(zebra.parent(), papers);
        QCOMPARE(model.index(0, LibraryModel::Embedded, papers).data().toString(),
                 QStringLiteral("25%"));
        QCOMPARE(model.index(0, LibraryModel::Type, papers).data().toString(),
                 QStringLiteral("TEXT"));
        QCOMPARE(zebra.data(LibraryModel::PathRole).toString(),
                 QStringLiteral("/data/Zebra notes.txt"));
        QCOMPARE(zebra.data(LibraryModel::DocumentIdRole).toLongLong(), 1);
        QCOMPARE(zebra.data(LibraryModel::CollectionIdRole).toLongLong(), 1);
        // The collection row sums its documents: 3 of 16 passages embedded.
        QCOMPARE(model.index(0, LibraryModel::Chunks).data().toString(), QStringLiteral("16"));
        QCOMPARE(model.index(0, LibraryModel::Embedded).data().toString(), QStringLiteral("18%"));
        // A collection's figures are aligned as its documents' are.
        for (const QModelIndex& i :
             {model.index(0, LibraryModel::Chunks), model.index(0, LibraryModel::Chunks, papers)})
            QCOMPARE(i.data(Qt::TextAlignmentRole).value<Qt::Alignment>(),
                     Qt::AlignRight | Qt::AlignVCenter);
        model.setLibrary({});
        QCOMPARE(model.rowCount(), 0);
    }
    void sortsAndFiltersThroughAProxy() {
        LibraryModel model;
        model.setLibrary(sample());
        QSortFilterProxyModel proxy;
        QAbstractItemModelTester tester(&proxy,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        proxy.setSourceModel(&model);
        proxy.setSortRole(LibraryModel::SortRole);
        proxy.setRecursiveFilteringEnabled(true);
        proxy.setFilterCaseSensitivity(Qt::CaseInsensitive);
        proxy.sort(LibraryModel::Size, Qt::DescendingOrder);
        const QModelIndex papers = proxy.index(0, 0); // the biggest collection first
        QVERIFY(papers.data().toString().startsWith(QLatin1String("Papers")));
        QCOMPARE(proxy.index(0, 0, papers).data().toString(), QStringLiteral("Zebra notes"));
        QCOMPARE(proxy.index(2, 0, papers).data().toString(), QStringLiteral("apple pie"));
        proxy.sort(LibraryModel::Title, Qt::AscendingOrder); // case-insensitive by SortRole
        QCOMPARE(proxy.index(0, 0, proxy.index(2, 0)).data().toString(),
                 QStringLiteral("apple pie"));
        proxy.setFilterFixedString(QStringLiteral("mang"));
        QCOMPARE(proxy.rowCount(), 1);
        QCOMPARE(proxy.rowCount(proxy.index(0, 0)), 1);
        QCOMPARE(proxy.index(0, 0, proxy.index(0, 0)).data().toString(), QStringLiteral("Mango"));
    }
};

QTEST_MAIN(TestLibraryModel)
#include "tst_library_model.moc"
