-- AlterTable
ALTER TABLE "gemini_cached_contents" ADD COLUMN     "display_name" TEXT,
ADD COLUMN     "key_id" UUID,
ADD COLUMN     "model" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "team_id" UUID,
ADD COLUMN     "tokens" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- CreateIndex
CREATE INDEX "gemini_cached_contents_key_id_expires_at_idx" ON "gemini_cached_contents"("key_id", "expires_at");

-- CreateIndex
CREATE INDEX "gemini_cached_contents_upstream_name_idx" ON "gemini_cached_contents"("upstream_name");
