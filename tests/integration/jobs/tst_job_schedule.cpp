// When jobs run next: fixed slots, intervals after a finish, growing capped retries.
#include "core/jobs/job_schedule.h"

#include <QTest>

using namespace quiver;

class TestJobSchedule : public QObject {
    Q_OBJECT
private slots:
    void fixedScheduleKeepsItsSlots();
    void driftingScheduleCountsFromTheFinish();
    void failuresBackOffAndAreCapped();
    void fixedScheduleNeverRetriesPastItsNextSlot();
    void spentRetriesWaitForTheSchedule();
};

namespace {
Job job(bool fixed) {
    Job j;
    j.fixedSchedule = fixed;
    j.scheduleIntervalMs = 10000;
    j.retryPeriodMs = 1000;
    j.initialStart = QDateTime(QDate(2026, 1, 1), QTime(0, 0), Qt::UTC);
    return j;
}
const QDateTime kBase(QDate(2026, 1, 1), QTime(0, 0), Qt::UTC);
} // namespace

void TestJobSchedule::fixedScheduleKeepsItsSlots() {
    const Job j = job(true);
    QCOMPARE(JobSchedule::nextStart(j, kBase.addMSecs(13500), true, 0), kBase.addSecs(20));
    QCOMPARE(JobSchedule::nextStart(j, kBase.addSecs(20), true, 0), kBase.addSecs(30));
    // Before the initial start, the initial start.
    QCOMPARE(JobSchedule::nextSlot(j, kBase.addSecs(-50)), kBase);
}

void TestJobSchedule::driftingScheduleCountsFromTheFinish() {
    const Job j = job(false);
    QCOMPARE(JobSchedule::nextStart(j, kBase.addMSecs(13500), true, 0), kBase.addMSecs(23500));
}

void TestJobSchedule::failuresBackOffAndAreCapped() {
    const Job j = job(false);
    QCOMPARE(JobSchedule::retryDelayMs(j, 1), 1000);
    QCOMPARE(JobSchedule::retryDelayMs(j, 2), 2000);
    QCOMPARE(JobSchedule::retryDelayMs(j, 4), 8000);
    QCOMPARE(JobSchedule::retryDelayMs(j, 30), 50000); // five intervals
    QCOMPARE(JobSchedule::nextStart(j, kBase, false, 3), kBase.addSecs(4));
}

void TestJobSchedule::fixedScheduleNeverRetriesPastItsNextSlot() {
    const Job j = job(true);
    QCOMPARE(JobSchedule::nextStart(j, kBase.addSecs(1), false, 1), kBase.addSecs(2));
    QCOMPARE(JobSchedule::nextStart(j, kBase.addSecs(1), false, 10), kBase.addSecs(10));
}

void TestJobSchedule::spentRetriesWaitForTheSchedule() {
    Job j = job(false);
    j.maxRetries = 2;
    // The first failure and two retries back off; the third retry's failure waits an interval.
    QCOMPARE(JobSchedule::nextStart(j, kBase, false, 1), kBase.addSecs(1));
    QCOMPARE(JobSchedule::nextStart(j, kBase, false, 2), kBase.addSecs(2));
    QCOMPARE(JobSchedule::nextStart(j, kBase, false, 3), kBase.addSecs(10));
    j.maxRetries = 0;
    QCOMPARE(JobSchedule::nextStart(j, kBase, false, 1), kBase.addSecs(10));
}

QTEST_GUILESS_MAIN(TestJobSchedule)
#include "tst_job_schedule.moc"
