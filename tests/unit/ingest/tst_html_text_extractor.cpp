#include "core/ingest/html_markup_limiter.h"
#include "core/ingest/html_text_extractor.h"

#include <QElapsedTimer>
#include <QtTest>

using namespace quiver;

namespace {
QByteArray limited(const QByteArray& html, bool xhtml = false,
                   HtmlMarkupLimiter::Limits limits = {}) {
    return HtmlMarkupLimiter::limit(html, xhtml, limits).html;
}
} // namespace

class TestHtmlTextExtractor : public QObject {
    Q_OBJECT
private slots:
    void limiterKeepsTagsAndTextDropsTheRest() {
        QCOMPARE(limited("<DIV class=\"a>b\" id='x' data-x=y hidden>t</Div>"),
                 QByteArray("<div>t</div>"));
        QCOMPARE(limited("a<!-- <b>c</b> -->b<!-->c<!--->d<!-- x --!>e"), QByteArray("abcde"));
        QCOMPARE(limited("<!DOCTYPE html><?php echo 1 ?>x</ 1>y</>z"), QByteArray("xyz"));
        QCOMPARE(limited("a < b <3 &amp; c"), QByteArray("a &lt; b &lt;3 &amp; c"));
        QCOMPARE(limited("<p>open <a href=\"x"), QByteArray("<p>open "));
        // Quotes count only around values: this tag ends at its first '>'.
        QCOMPARE(limited("<a b\"c>d</a>\""), QByteArray("<a>d</a>\""));
    }
    void limiterMakesRawTextInertAndEndsItWhereTheTokenizerDoes() {
        QCOMPARE(limited("<script>if (a<b) x('</p>')</script >y"),
                 QByteArray("<script>if (a&lt;b) x('&lt;/p>')</script>y"));
        QCOMPARE(limited("<title>a <b></TITLE>c"), QByteArray("<title>a &lt;b></title>c"));
        QCOMPARE(limited("<plaintext><p>x"), QByteArray("<plaintext>&lt;p>x"));
        // Inside SVG a <script> is an element like any other.
        QCOMPARE(limited("<svg><script><g>x</g></script></svg>"),
                 QByteArray("<svg><script><g>x</g></script></svg>"));
    }
    void limiterClosesSelfClosingElementsOfXhtmlOnly() {
        QCOMPARE(limited("<script src=\"a.js\"/><p>t</p>", true),
                 QByteArray("<script></script><p>t</p>"));
        QCOMPARE(limited("<br/><img src=x />", true), QByteArray("<br><img>"));
        // In HTML the tokenizer ignores the slash: the script runs to the end.
        QCOMPARE(limited("<script src=\"a.js\"/><p>t", false), QByteArray("<script>&lt;p>t"));
    }
    void limiterCapsDepthAndTags() {
        const HtmlMarkupLimiter::Result deep =
            HtmlMarkupLimiter::limit("<div><div><div>x</div><p>y</div></div>", false, {2, 1000});
        QCOMPARE(deep.html, QByteArray("<div><div>x<p>y</div></div>"));
        QCOMPARE(deep.droppedTags, 2);
        const HtmlMarkupLimiter::Result many =
            HtmlMarkupLimiter::limit("<b>1</b><i>2</i><u>3</u>", false, {256, 3});
        QCOMPARE(many.html, QByteArray("<b>1</b><i>23"));
        QCOMPARE(many.tags, 3);
        QCOMPARE(many.droppedTags, 3);
    }
    void deepNestingStaysFast() {
        // 200,000 nested elements: gumbo's scope checks made this quadratic (minutes).
        QByteArray html = "<html><body>" + QByteArray("<div>").repeated(200'000) + "deep text";
        for (const char* formatting : {"<b>", "<i>", "<a>", "<table><tr><td>"})
            html += QByteArray(formatting).repeated(50'000) + "more text";
        QElapsedTimer timer;
        timer.start();
        const HtmlTextExtractor::Result r = HtmlTextExtractor::extract(QString::fromLatin1(html));
        QVERIFY(r.text.contains(QLatin1String("deep text")));
        QVERIFY(r.text.contains(QLatin1String("more text")));
        QVERIFY2(timer.elapsed() < 60'000, qPrintable(QString::number(timer.elapsed())));
        const HtmlMarkupLimiter::Result l = HtmlMarkupLimiter::limit(html, false);
        QVERIFY(l.droppedTags > 200'000);
        QVERIFY(l.tags < 500'000);
    }
    void visibleTextAndTitle() {
        const HtmlTextExtractor::Result r = HtmlTextExtractor::extract(QStringLiteral(
            "<body><svg><title>not this</title><text>chart</text></svg><title>Late  title"
            "</title><table><tr><td>a</td><td>b</td></tr></table><pre>  keep\n  this</pre>"
            "<p>x<br>y</p><template><p>never</p></template></body>"));
        QCOMPARE(r.title, QStringLiteral("Late title"));
        QCOMPARE(r.text, QStringLiteral("a\tb\n  keep\n  this\nx\ny"));
    }
};

QTEST_GUILESS_MAIN(TestHtmlTextExtractor)
#include "tst_html_text_extractor.moc"
