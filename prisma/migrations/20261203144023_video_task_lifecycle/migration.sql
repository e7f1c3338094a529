-- CreateEnum
CREATE TYPE "video_settlement" AS ENUM ('reserved', 'charged', 'released', 'held');

-- DropIndex
DROP INDEX "video_tasks_status_idx";

-- AlterTable
ALTER TABLE "video_tasks" ADD COLUMN     "callback_attempts" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "deleted_at" TIMESTAMPTZ(3),
ADD COLUMN     "last_polled_at" TIMESTAMPTZ(3),
ADD COLUMN     "next_poll_at" TIMESTAMPTZ(3),
ADD COLUMN     "poll_count" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "remixed_from_id" TEXT,
ADD COLUMN     "request_id" TEXT,
ADD COLUMN     "resolution" TEXT,
ADD COLUMN     "settlement" "video_settlement" NOT NULL DEFAULT 'reserved',
ADD COLUMN     "submitted_at" TIMESTAMPTZ(3),
ADD COLUMN     "upstream_route" TEXT,
ADD COLUMN     "upstream_status" TEXT;

-- CreateIndex
CREATE INDEX "video_tasks_status_next_poll_at_idx" ON "video_tasks"("status", "next_poll_at");
