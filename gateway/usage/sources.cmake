target_sources(onegate_gateway PRIVATE
    usage/UsageRecord.h
    usage/UsageCost.h
    usage/UsageCost.cpp
    usage/UsageStore.h
    usage/UsageStore.cpp
    usage/UsageJournal.h
    usage/UsageJournal.cpp
    usage/UsageRecorder.h
    usage/UsageRecorder.cpp)

# Migrations ship inside the binary so a deployed OneGate can never run with a schema
# that does not match its code. Add new files here in order; never edit an applied one.
qt_add_resources(onegate_gateway "usage_migrations"
    PREFIX "/onegate/migrations"
    BASE usage/migrations
    FILES
        usage/migrations/0001_usage.sql
        usage/migrations/0002_attempts.sql
        usage/migrations/0003_cache_hit.sql
        usage/migrations/0004_cache_write.sql
        usage/migrations/0005_journal.sql)
