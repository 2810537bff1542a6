// The labels passages carry in the vector index and the label filter a search's filters make.
#include "core/search/index_labels.h"

#include <QTest>
#include <QTimeZone>

using namespace quiver;

namespace {

QDateTime utc(int y, int m, int d, int h = 0, int min = 0) {
    return QDateTime(QDate(y, m, d), QTime(h, min), Qt::UTC);
}

// Whether a passage with these keys passes the filter.
bool passes(const diskann::LabelFilter& f, const PassageKeys& keys) {
    const std::vector<std::uint32_t> labels = passageLabels(keys);
    return f.passes(labels.size(), [&](std::size_t i) { return labels[i]; });
}

PassageKeys passage(qint64 collection, const QString& mime, const QDateTime& imported) {
    return {1, collection, static_cast<qint64>(typeHashOf(mime)), importDayOf(imported)};
}

} // namespace

class TestIndexLabels : public QObject {
    Q_OBJECT
private slots:
    void daysAreWholeUtcDays() {
        QCOMPARE(importDayOf(utc(1970, 1, 1)), qint64{0});
        QCOMPARE(importDayOf(utc(1970, 1, 1, 23, 59)), qint64{0});
        QCOMPARE(importDayOf(utc(1969, 12, 31, 23, 59)), qint64{-1});
        QCOMPARE(importDayOf(utc(2026, 1, 15, 10)), qint64{20468});
        // A local time is the same instant.
        const QDateTime paris(QDate(2026, 1, 15), QTime(0, 30), QTimeZone("Europe/Paris"));
        QCOMPARE(importDayOf(paris), qint64{20467});
    }
    void typeHashIsTheFirstFourBytesOfMd5() {
        // md5("application/pdf") = 223017b5...
        QCOMPARE(typeHashOf(QStringLiteral("application/pdf")), 0x223017b5u);
        QVERIFY(typeHashOf(QStringLiteral("text/plain")) !=
                typeHashOf(QStringLiteral("text/html")));
    }
    void labelsOfThreeKindsNeverMeet() {
        const auto labels =
            passageLabels(passage(7, QStringLiteral("text/plain"), utc(2026, 3, 1)));
        QCOMPARE(labels.size(), std::size_t{3});
        QCOMPARE(labels[0], 7u);
        QVERIFY(labels[1] >= (1u << 30) && labels[1] < (1u << 31));
        QVERIFY(labels[2] >= (1u << 31));
        QVERIFY_THROWS_EXCEPTION(
            std::runtime_error,
            passageLabels(passage(qint64{1} << 30, QString(), utc(2026, 1, 1))));
    }
    void filtersPassWhatTheyAskFor() {
        const PassageKeys pdfJan15 =
            passage(1, QStringLiteral("application/pdf"), utc(2026, 1, 15, 10));
        const PassageKeys textJan16 = passage(2, QStringLiteral("text/plain"), utc(2026, 1, 16, 1));
        QVERIFY(labelFilterFor({}).passesAll());

        SearchFilters types;
        types.mimeTypes = {QStringLiteral("application/pdf"), QStringLiteral("text/html")};
        QVERIFY(passes(labelFilterFor(types), pdfJan15));
        QVERIFY(!passes(labelFilterFor(types), textJan16));

        SearchFilters collections;
        collections.collectionIds = {2, 3};
        QVERIFY(!passes(labelFilterFor(collections), pdfJan15));
        QVERIFY(passes(labelFilterFor(collections), textJan16));

        // [Jan 15 00:00, Jan 16 00:00): the 16th is out, a boundary of midnight excludes it.
        SearchFilters day;
        day.importedAfter = utc(2026, 1, 15);
        day.importedBefore = utc(2026, 1, 16);
        QVERIFY(passes(labelFilterFor(day), pdfJan15));
        QVERIFY(!passes(labelFilterFor(day), textJan16));
        // Open ends: after the 16th reaches today and a little beyond; before the 16th reaches
        // back to the first day.
        SearchFilters after;
        after.importedAfter = utc(2026, 1, 16);
        QVERIFY(!passes(labelFilterFor(after), pdfJan15));
        QVERIFY(passes(labelFilterFor(after), textJan16));
        QVERIFY(passes(labelFilterFor(after),
                       passage(2, QString(), QDateTime::currentDateTimeUtc().addDays(1))));
        SearchFilters before;
        before.importedBefore = utc(2026, 1, 16);
        QVERIFY(passes(labelFilterFor(before), pdfJan15));
        QVERIFY(passes(labelFilterFor(before), passage(1, QString(), utc(1995, 5, 5))));
        QVERIFY(!passes(labelFilterFor(before), textJan16));
        // An empty range passes nothing.
        SearchFilters empty;
        empty.importedAfter = utc(2026, 1, 16);
        empty.importedBefore = utc(2026, 1, 16);
        QVERIFY(labelFilterFor(empty).passesNone());

        SearchFilters both = types;
        both.collectionIds = {1};
        both.importedAfter = utc(2026, 1, 1);
        QVERIFY(passes(labelFilterFor(both), pdfJan15));
        both.collectionIds = {2};
        QVERIFY(!passes(labelFilterFor(both), pdfJan15));
    }
};

QTEST_GUILESS_MAIN(TestIndexLabels)
#include "tst_index_labels.moc"
