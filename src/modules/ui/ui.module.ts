import { Module } from '@nestjs/common';
import { UiController } from './ui.controller';

/** Serves the admin console's static build at /ui (see ui/ and UiController). */
@Module({ controllers: [UiController] })
export class UiModule {}
