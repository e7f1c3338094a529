-- CreateTable
CREATE TABLE "usage_spend_pending" (
    "event_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "usage_spend_pending_pkey" PRIMARY KEY ("event_id")
);
